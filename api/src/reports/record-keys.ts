import { IntegrityError } from '../crypto/chunked-aead.js';
import { ContentErasedError, type PatientKeysService } from '../crypto/patient-keys.service.js';
import type { ReportRow } from './reports.repository.js';

export const dataKeyContext = (reportId: string) => `data:${reportId}`;
export const commitmentKeyContext = (reportId: string) => `commitment:${reportId}`;

/**
 * A report's data key and commitment key, unwrapped from its key envelope under the
 * patient's key. ContentErasedError when the patient's key was destroyed; IntegrityError
 * (422) when the stored envelope was altered.
 */
export async function openRecordKeys(
  patientKeys: PatientKeysService,
  report: ReportRow,
): Promise<{ dataKey: Buffer; commitmentKey: Buffer }> {
  try {
    const [dataKey, commitmentKey] = await patientKeys.unwrap(report.patientId, [
      { context: dataKeyContext(report.id), wrapped: report.wrappedDataKey },
      { context: commitmentKeyContext(report.id), wrapped: report.wrappedCommitmentKey },
    ]);
    return { dataKey, commitmentKey };
  } catch (error) {
    if (error instanceof ContentErasedError) throw error;
    throw new IntegrityError('the key envelope of this report was altered', 'chunk-rejected');
  }
}
