import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { InvalidInputError, NotFoundError } from '../common/domain-error.js';
import { KEY_SERVICE, type KeyService } from '../crypto/key-service.port.js';
import { ledgerIdentityContext } from '../crypto/sealing-contexts.js';
import type { LedgerIdentity } from '../ledger/ledger.port.js';
import { type HospitalNetwork, NETWORK_PROFILE, type NetworkProfile } from '../ledger/network-profile.js';
import { readMspFolder } from '../ledger/service-identity.js';
import type { Role } from '../users/user.entity.js';
import { FabricCaClient } from './fabric-ca.client.js';
import { LedgerIdentityEntity } from './ledger-identity.entity.js';

export class UnknownHospitalError extends InvalidInputError {
  override readonly code = 'UNKNOWN_HOSPITAL';
}

export class NoLedgerIdentityError extends NotFoundError {
  override readonly code = 'NO_LEDGER_IDENTITY';
}

/** How long an opened identity is kept for the user's next transactions (milliseconds). */
const OPENED_FOR_MS = 60_000;
/** At most this many opened identities are kept; the oldest go first. */
const MAX_OPENED = 10_000;

/**
 * Every user's own X.509 identity: registered and enrolled at their hospital's Fabric CA
 * with `ehr.role` and `ehr.uid` in the certificate (the enrollment id is the user's UUID,
 * never a name or e-mail, since certificates travel in every ledger transaction), the
 * private key sealed at rest and opened only in memory to sign that user's transactions.
 */
@Injectable()
export class LedgerIdentityService {
  private readonly cas = new Map<string, FabricCaClient>();
  /**
   * Identities opened lately, by user: an upload or a read signs three messages, and a
   * user's next request usually follows soon. Forgotten here when the user enrolls again;
   * another replica's re-enrollment reaches this one within OPENED_FOR_MS (until then the
   * peers refuse the revoked certificate, and nothing is signed that should not be).
   */
  private readonly opened = new Map<string, { identity: LedgerIdentity; until: number }>();

  constructor(
    @Inject(NETWORK_PROFILE) private readonly network: NetworkProfile,
    @Inject(KEY_SERVICE) private readonly keys: KeyService,
    @InjectRepository(LedgerIdentityEntity) private readonly identities: Repository<LedgerIdentityEntity>,
    private readonly clock: Clock,
  ) {}

  /** The hospitals of the network (`hospital-a`, …). */
  hospitals(): string[] {
    return this.network.hospitals.map((hospital) => hospital.hospital);
  }

  hospital(id: string): HospitalNetwork {
    const hospital = this.network.hospitals.find((candidate) => candidate.hospital === id);
    if (!hospital) {
      const message = `unknown hospital '${id}' (known: ${this.hospitals().join(', ')})`;
      throw new UnknownHospitalError(message, { details: { errors: [{ field: 'hospital', messages: [message] }] } });
    }
    return hospital;
  }

  /**
   * Registers and enrolls a user at their hospital's CA and returns the row to store (with
   * the user, in one transaction, by `save`). Nothing is written here: a failure leaves no row.
   */
  async enroll(userId: string, role: Role, hospitalId: string, enrollmentId = userId): Promise<LedgerIdentityEntity> {
    const hospital = this.hospital(hospitalId);
    const ca = this.caOf(hospital);
    const secret = randomBytes(24).toString('base64url');
    await ca.register(enrollmentId, secret, { 'ehr.role': role, 'ehr.uid': userId });
    const enrollment = await ca.enroll(enrollmentId, secret);
    const sealed = await this.keys.seal(Buffer.from(enrollment.privateKeyPem), ledgerIdentityContext(userId));
    return {
      userId,
      mspId: hospital.mspId,
      enrollmentId: enrollment.enrollmentId,
      certificatePem: enrollment.certificatePem,
      sealedPrivateKey: sealed.data,
      keyId: sealed.keyId,
      enrolledAt: this.clock.now(),
    };
  }

  /**
   * Stores a new identity in the caller's transaction. A user who had one before: call
   * `forget` once that transaction has committed, or their old one stays open here. A key
   * sealed before a master-key rotation began (enrolling takes a while) is stored sealed
   * under the key that seals now, never under the one being retired.
   */
  async save(identity: LedgerIdentityEntity, manager: EntityManager): Promise<void> {
    const sealed = await this.keys.reseal(
      { keyId: identity.keyId, data: identity.sealedPrivateKey },
      ledgerIdentityContext(identity.userId),
    );
    await manager
      .getRepository(LedgerIdentityEntity)
      .save({ ...identity, keyId: sealed.keyId, sealedPrivateKey: sealed.data });
  }

  /** Drops the user's opened identity, so that their next transaction opens the stored one. */
  forget(userId: string): void {
    this.opened.delete(userId);
  }

  /** The user's identity with the private key opened, to sign one of their transactions. */
  async signingIdentity(userId: string, hospitalId: string): Promise<LedgerIdentity> {
    const now = this.clock.now().getTime();
    const kept = this.opened.get(userId);
    if (kept && kept.until > now && kept.identity.hospital === hospitalId) return kept.identity;
    const row = await this.identities.findOneBy({ userId });
    if (!row) throw new NoLedgerIdentityError('this account has no ledger identity');
    const identity = await this.open(row, hospitalId);
    this.opened.delete(userId);
    if (this.opened.size >= MAX_OPENED) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(userId, { identity, until: now + OPENED_FOR_MS });
    return identity;
  }

  /** Opens an identity row's sealed key in memory, to sign with. */
  async open(row: LedgerIdentityEntity, hospitalId: string): Promise<LedgerIdentity> {
    const privateKey = await this.keys.open(
      { keyId: row.keyId, data: row.sealedPrivateKey },
      ledgerIdentityContext(row.userId),
    );
    return {
      hospital: hospitalId,
      mspId: row.mspId,
      certificatePem: row.certificatePem,
      privateKey: createPrivateKey(privateKey),
    };
  }

  /**
   * A fresh identity for a user whose certificates were revoked (a revoked CA identity
   * cannot enroll again): a new enrollment id, the same `ehr.uid`, which is what the
   * chaincode authorises on.
   */
  reenroll(userId: string, role: Role, hospitalId: string): Promise<LedgerIdentityEntity> {
    return this.enroll(userId, role, hospitalId, `${userId}.${randomBytes(4).toString('hex')}`);
  }

  /** Revokes every certificate of the user's current identity at their CA; returns the CA's new CRL. */
  async revoke(userId: string, hospitalId: string, reason: string): Promise<string> {
    const row = await this.identities.findOneBy({ userId });
    if (!row) throw new NoLedgerIdentityError('this account has no ledger identity');
    return this.caOf(this.hospital(hospitalId)).revoke(row.enrollmentId, reason);
  }

  private caOf(hospital: HospitalNetwork): FabricCaClient {
    let client = this.cas.get(hospital.hospital);
    if (!client) {
      client = new FabricCaClient(
        {
          url: hospital.ca.url,
          caName: hospital.ca.caName,
          tlsRootCertPem: readFileSync(hospital.ca.tlsRootCert, 'utf8'),
        },
        readMspFolder(hospital.ca.registrarMsp),
      );
      this.cas.set(hospital.hospital, client);
    }
    return client;
  }
}
