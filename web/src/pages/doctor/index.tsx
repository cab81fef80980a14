import { RoleArea } from '../../app/RoleArea';
import { doctorRoutes } from './routes';

/** The doctor's portal, loaded as its own chunk once a doctor has signed in. */
export default function DoctorArea() {
  return <RoleArea routes={doctorRoutes} />;
}
