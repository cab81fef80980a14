import { Link } from 'react-router';
import { Page } from '../../components/Page';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address, or it is not one for your role.</p>
      <p>
        <Link to="/">Go to your start page</Link>
      </p>
    </Page>
  );
}
