import { RoleArea } from '../../app/RoleArea';
import { auditorRoutes } from './routes';

/** The auditor's portal, loaded as its own chunk once a auditor has signed in. */
export default function AuditorArea() {
  return <RoleArea routes={auditorRoutes} />;
}
