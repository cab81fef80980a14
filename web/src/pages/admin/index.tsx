import { RoleArea } from '../../app/RoleArea';
import { adminRoutes } from './routes';

/** The admin's portal, loaded as its own chunk once a admin has signed in. */
export default function AdminArea() {
  return <RoleArea routes={adminRoutes} />;
}
