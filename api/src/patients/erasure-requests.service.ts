import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { Clock } from '../common/clock.js';
import { ConflictError, NotFoundError } from '../common/domain-error.js';
import { decodeKeysetCursor, keysetPage } from '../common/keyset-cursor.js';
import { AppConfig } from '../config/app-config.js';
import type { NewNotification } from '../notifications/notification-kinds.js';
import { NotificationsRepository } from '../notifications/notifications.repository.js';
import {
  type ErasureRequestRow,
  ErasureRequestsRepository,
  type ErasureRequestWithPatient,
} from './erasure-requests.repository.js';
import { type ErasureState, visibleErasureState } from './erasure-states.js';

/** The patient has a request open already (waiting, taking effect, or carried out). */
export class ErasureRequestOpenError extends ConflictError {
  override readonly code = 'ERASURE_REQUEST_OPEN';
}

/** The request can no longer be cancelled: its effective time has come. */
export class ErasureTakingEffectError extends ConflictError {
  override readonly code = 'ERASURE_TAKING_EFFECT';
}

/** The request does not wait for a confirmation (confirmed already, cancelled, or carried out). */
export class ErasureRequestNotPendingError extends ConflictError {
  override readonly code = 'ERASURE_REQUEST_NOT_PENDING';
}

/** An erasure request, as the patient who made it sees it. */
export interface ErasureRequest {
  id: string;
  state: ErasureState;
  requestedAt: Date;
  confirmedAt: Date | null;
  effectiveAt: Date | null;
  cancelledAt: Date | null;
  completedAt: Date | null;
  /** The delay between a confirmation and the erasure, as configured. */
  coolingOffSeconds: number;
}

/** An erasure request with its patient, as an admin of the patient's hospital sees it. */
export interface PatientErasureRequest extends ErasureRequest {
  patientId: string;
  patientName: string;
  patientDateOfBirth: string | null;
  confirmedBy: string | null;
}

/**
 * Erasure as the patient asks for it (architecture, invariant 5: never one person alone):
 * the patient requests it and may cancel it until it takes effect; an admin of the
 * patient's hospital confirms it, which sets when it takes effect (after
 * ERASURE_COOLING_OFF_SECONDS). An admin can only confirm a patient's request: nothing
 * lets an admin start one. PatientErasureService carries a request out once its time came.
 */
@Injectable()
export class ErasureRequestsService {
  constructor(
    private readonly config: AppConfig,
    private readonly requests: ErasureRequestsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly clock: Clock,
  ) {}

  /** The patient asks for the erasure of their records; their hospital's admins are told (a notification, no PHI). */
  async request(patient: AuthenticatedUser): Promise<ErasureRequest> {
    const admins = await this.requests.activeAdminsOf(patient.hospital);
    const created = await this.requests.create(randomUUID(), patient.id, (manager, request) =>
      this.notifications.recordAll(
        manager,
        admins.map((adminId): NewNotification => ({
          userId: adminId,
          kind: 'erasure-requested',
          subject: { type: 'erasure-request', id: request.id },
          sourceTxId: `erasure-request:${request.id}`,
        })),
      ),
    );
    if (!created)
      throw new ErasureRequestOpenError('you have an erasure request already; cancel it first to ask again');
    return this.asSeenByPatient(created);
  }

  /** The patient's open request (waiting, or taking effect); NotFoundError when there is none. */
  async current(patient: AuthenticatedUser): Promise<ErasureRequest> {
    const open = await this.requests.openOf(patient.id);
    if (!open) throw new NotFoundError('you have no erasure request');
    return this.asSeenByPatient(open);
  }

  /** The patient withdraws their request before it takes effect; too late once its effective time has come. */
  async cancel(patient: AuthenticatedUser): Promise<void> {
    const outcome = await this.requests.cancel(patient.id);
    if (outcome.cancelled) return;
    if (!outcome.open) throw new NotFoundError('you have no erasure request');
    throw new ErasureTakingEffectError('the erasure has begun to take effect and can no longer be cancelled');
  }

  /** Requests of the admin's hospital that wait for a confirmation or for their effective time, newest first. */
  async waiting(
    admin: AuthenticatedUser,
    page: { limit?: number; cursor?: string },
  ): Promise<{ items: PatientErasureRequest[]; nextCursor: string | null }> {
    const limit = page.limit ?? 50;
    const rows = await this.requests.waitingOf(
      admin.hospital,
      limit + 1,
      page.cursor ? decodeKeysetCursor(page.cursor) : undefined,
    );
    const found = keysetPage(rows, limit, (row) => ({ at: row.requestedAt, id: row.id }));
    return { items: found.items.map((row) => this.asSeenByAdmin(row)), nextCursor: found.nextCursor };
  }

  /**
   * An admin of the patient's hospital confirms the patient's request: it takes effect
   * after the cooling-off delay, and the patient is told (a notification, so that they can
   * still cancel). Another hospital's request is not found; one that does not wait for a
   * confirmation is a conflict.
   */
  async confirm(admin: AuthenticatedUser, requestId: string): Promise<PatientErasureRequest> {
    const request = await this.requests.findWithPatient(requestId);
    if (!request || request.patientHospital !== admin.hospital) {
      throw new NotFoundError('no erasure request of your hospital has this id');
    }
    const confirmed = await this.requests.confirm(
      requestId,
      admin.id,
      this.config.ERASURE_COOLING_OFF_SECONDS,
      (manager, row) =>
        this.notifications.recordAll(manager, [
          {
            userId: row.patientId,
            kind: 'erasure-confirmed',
            subject: { type: 'erasure-request', id: row.id },
            sourceTxId: `erasure-confirmed:${row.id}`,
          },
        ]),
    );
    if (!confirmed) {
      throw new ErasureRequestNotPendingError(
        `this erasure request does not wait for a confirmation (it is ${this.stateOf(request)})`,
      );
    }
    return this.asSeenByAdmin({ ...request, ...confirmed });
  }

  private stateOf(row: ErasureRequestRow): ErasureState {
    return visibleErasureState(row.state, row.effectiveAt, this.clock.now());
  }

  private asSeenByPatient(row: ErasureRequestRow): ErasureRequest {
    return {
      id: row.id,
      state: this.stateOf(row),
      requestedAt: row.requestedAt,
      confirmedAt: row.confirmedAt,
      effectiveAt: row.effectiveAt,
      cancelledAt: row.cancelledAt,
      completedAt: row.completedAt,
      coolingOffSeconds: this.config.ERASURE_COOLING_OFF_SECONDS,
    };
  }

  private asSeenByAdmin(row: ErasureRequestWithPatient): PatientErasureRequest {
    return {
      ...this.asSeenByPatient(row),
      patientId: row.patientId,
      patientName: row.patientName,
      patientDateOfBirth: row.patientDateOfBirth,
      confirmedBy: row.confirmedBy,
    };
  }
}
