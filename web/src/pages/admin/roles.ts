import type { Schemas } from '../../api/client';

export const ROLE_LABELS: Record<Schemas['UserDto']['role'], string> = {
  doctor: 'Doctor',
  patient: 'Patient',
  auditor: 'Auditor',
  admin: 'Administrator',
};
