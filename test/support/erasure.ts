import type { DataSource } from 'typeorm';
import { bearer, type SignedIn } from './accounts.js';
import { API_URL, callApi } from './api.js';
import { eventually } from './services.js';

/** An erasure request as the API answers it (ErasureRequestDto, PatientErasureRequestDto). */
export interface ErasureRequestBody {
  id: string;
  state: 'pending-confirmation' | 'confirmed' | 'taking-effect' | 'erased' | 'cancelled';
  createdAt: string;
  confirmedAt: string | null;
  effectiveAt: string | null;
  cancelledAt: string | null;
  completedAt: string | null;
  coolingOffSeconds: number;
}

export interface WaitingErasureRequest {
  id: string;
  patientId: string;
  patientName: string;
  patientDateOfBirth: string | null;
  requestedAt: string;
  state: ErasureRequestBody['state'];
  confirmedAt: string | null;
  confirmedBy: string | null;
  effectiveAt: string | null;
}

/** The patient asks for erasure (202) and an admin of their hospital confirms it (200), through the API at `apiUrl`. */
export async function requestAndConfirmErasure(
  patient: SignedIn,
  admin: SignedIn,
  apiUrl = API_URL,
): Promise<WaitingErasureRequest> {
  const requested = await callApi(
    '/api/v1/me/erasure-request',
    { method: 'POST', headers: bearer(patient.accessToken) },
    apiUrl,
  );
  if (requested.status !== 202) throw new Error(`erasure request: ${requested.status} ${requested.text}`);
  const { id } = requested.body as ErasureRequestBody;
  const confirmed = await callApi(
    `/api/v1/admin/erasure-requests/${id}/confirm`,
    { method: 'POST', headers: bearer(admin.accessToken) },
    apiUrl,
  );
  if (confirmed.status !== 200) throw new Error(`erasure confirmation: ${confirmed.status} ${confirmed.text}`);
  return confirmed.body as WaitingErasureRequest;
}

/**
 * Ends a confirmed request's cooling-off delay at once (its effective time moved to now),
 * for suites that run against an API with the default delay of days and only need the
 * erasure done.
 */
export async function endCoolingOff(database: DataSource, requestId: string): Promise<void> {
  await database.query("UPDATE erasure_requests SET effective_at = now() WHERE id = $1 AND state = 'confirmed'", [
    requestId,
  ]);
}

/** Waits until an API's erasure worker has carried the request out (state done), at most `timeoutMs`. */
export async function erasureCarriedOut(database: DataSource, requestId: string, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => {
      const [row] = await database.query<Array<{ state: string }>>('SELECT state FROM erasure_requests WHERE id = $1', [
        requestId,
      ]);
      return row?.state === 'done';
    },
    timeoutMs,
    `the erasure of request ${requestId}`,
  );
}
