import { RoleArea } from '../../app/RoleArea';
import { patientRoutes } from './routes';

/** The patient's portal, loaded as its own chunk once a patient has signed in. */
export default function PatientArea() {
  return <RoleArea routes={patientRoutes} />;
}
