import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { answer, api, type Schemas } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { TextField } from '../../components/Field';
import { formatDate, formatDateTime } from '../../components/format';
import { useUser } from '../../session/use-session';
import { ConfirmDialog } from './ConfirmDialog';
import { ROLE_LABELS } from './roles';

type User = Schemas['UserDto'];
type StatusChange = { user: User; status: 'active' | 'suspended' };

/** What the admin just did, carried to this page by the navigation from the new-user form. */
export interface UsersPageState {
  created?: { fullName: string; role: User['role']; email?: string };
}

const STATUS_TAGS: Record<User['status'], { className: string; label: string }> = {
  active: { className: 'tag tag-ok', label: 'Active' },
  pending: { className: 'tag tag-warn', label: 'Pending activation' },
  suspended: { className: 'tag tag-bad', label: 'Suspended' },
};

/** The accounts of the admin's hospital: staff and patients, to suspend and reactivate. */
export function UsersPage() {
  const me = useUser();
  const location = useLocation();
  const created = (location.state as UsersPageState | null)?.created;
  const queryClient = useQueryClient();
  const [change, setChange] = useState<StatusChange | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [params, setParams] = useSearchParams();
  const query = params.get('query')?.trim() ?? '';
  const [draft, setDraft] = useState(query);
  useEffect(() => setDraft(query), [query]);

  const users = useInfiniteQuery({
    queryKey: ['admin', 'users'],
    queryFn: ({ pageParam }) =>
      answer(api.GET('/api/v1/admin/users', { params: { query: { limit: 50, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    enabled: query === '',
  });
  const found = useQuery({
    queryKey: ['admin', 'users', 'search', query],
    queryFn: () => answer(api.GET('/api/v1/admin/users/search', { params: { query: { query } } })),
    enabled: query !== '',
  });
  const setStatus = useMutation({
    mutationFn: ({ user, status }: StatusChange) =>
      answer(api.PATCH('/api/v1/admin/users/{id}', { params: { path: { id: user.id } }, body: { status } })),
    onSuccess: (user) => {
      setChange(null);
      setDone(
        user.status === 'suspended'
          ? `${user.fullName} is suspended: their sessions have ended and their ledger certificate is revoked.`
          : user.status === 'pending'
            ? `${user.fullName} is no longer suspended, with a fresh ledger certificate; the account still waits for its owner to choose a password (resend the activation e-mail if their link has expired).`
            : `${user.fullName} is active again, with a fresh ledger certificate.`,
      );
      void queryClient.invalidateQueries({ queryKey: ['admin'] });
    },
  });
  const resend = useMutation({
    mutationFn: (user: User) =>
      answer(api.POST('/api/v1/admin/users/{id}/activation', { params: { path: { id: user.id } } })).then((sent) => ({
        user,
        sent,
      })),
    onSuccess: ({ user, sent }) =>
      setDone(
        `A new activation e-mail is on its way to ${user.fullName} (${user.email}); its link works until ${formatDateTime(sent.expiresAt)}. Earlier links no longer work.`,
      ),
  });
  const searching = query !== '';
  const list = searching ? found : users;
  const rows = searching ? (found.data?.items ?? []) : (users.data?.pages.flatMap((page) => page.items) ?? []);
  const search = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    setParams(draft.trim() ? { query: draft.trim() } : {});
  };

  return (
    <Page
      title="Users of your hospital"
      intro={`Staff and patients of ${me.hospital}. Suspending ends a person’s sessions at once and revokes their ledger certificate.`}
      actions={
        <Link className="button primary" to="/admin/users/new">
          Create a staff account
        </Link>
      }
    >
      <div role="status" aria-live="polite">
        {done ? (
          <p className="notice notice-ok">{done}</p>
        ) : created ? (
          <p className="notice notice-ok">
            Account created for {created.fullName} ({ROLE_LABELS[created.role].toLowerCase()}). An e-mail with a
            one-time link to choose their own password is on its way
            {created.email ? ` to ${created.email}` : ''}; until then the account is pending.
          </p>
        ) : null}
      </div>
      <form role="search" onSubmit={search} className="inline-form user-search">
        <TextField
          label="Find a user"
          hint="Words of the name, part of the e-mail address, the ID, a date of birth (YYYY-MM-DD) or a licence number."
          type="search"
          autoComplete="off"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit">Search</button>
        {searching && (
          <button type="button" onClick={() => setParams({})}>
            Show all users
          </button>
        )}
      </form>
      <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
      <ErrorNotice error={resend.error} />
      {list.isPending && <Loading label="Loading users…" />}
      {list.data && rows.length === 0 && (
        <p className="notice notice-info">
          {searching ? `No user of ${me.hospital} matches “${query}”.` : 'No users yet.'}
        </p>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>
              {searching
                ? `Users matching “${query}”, by name (${rows.length}${rows.length === 25 ? ', the first 25: refine the search' : ''})`
                : `Users of ${me.hospital}, oldest first (${rows.length} shown${users.hasNextPage ? ', more to load' : ''})`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Licence</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((user) => (
                <tr key={user.id}>
                  <th scope="row">{user.fullName}</th>
                  <td className="break">{user.email}</td>
                  <td>{ROLE_LABELS[user.role]}</td>
                  <td>{user.licenseNumber ?? '—'}</td>
                  <td>
                    <span className={STATUS_TAGS[user.status].className}>{STATUS_TAGS[user.status].label}</span>
                  </td>
                  <td>{formatDate(user.createdAt)}</td>
                  <td>
                    {user.status === 'pending' && (
                      <button
                        type="button"
                        aria-label={`Resend activation to ${user.fullName}`}
                        disabled={resend.isPending}
                        onClick={() => {
                          setDone(null);
                          resend.mutate(user);
                        }}
                      >
                        Resend activation
                      </button>
                    )}{' '}
                    {user.id === me.id ? (
                      <span className="meta">You</span>
                    ) : user.status !== 'suspended' ? (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Suspend ${user.fullName}`}
                        onClick={() => {
                          setStatus.reset();
                          setChange({ user, status: 'suspended' });
                        }}
                      >
                        Suspend
                      </button>
                    ) : (
                      <button
                        type="button"
                        aria-label={`Reactivate ${user.fullName}`}
                        onClick={() => {
                          setStatus.reset();
                          setChange({ user, status: 'active' });
                        }}
                      >
                        Reactivate
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!searching && users.hasNextPage && (
        <button type="button" onClick={() => void users.fetchNextPage()} disabled={users.isFetchingNextPage}>
          {users.isFetchingNextPage ? 'Loading…' : 'Load more users'}
        </button>
      )}
      {change && (
        <ConfirmDialog
          title={
            change.status === 'suspended' ? `Suspend ${change.user.fullName}?` : `Reactivate ${change.user.fullName}?`
          }
          confirmLabel={change.status === 'suspended' ? 'Suspend account' : 'Reactivate account'}
          danger={change.status === 'suspended'}
          busy={setStatus.isPending}
          onConfirm={() => setStatus.mutate(change)}
          onCancel={() => setChange(null)}
        >
          {change.status === 'suspended' ? (
            <p>
              {change.user.fullName} ({ROLE_LABELS[change.user.role].toLowerCase()}) is signed out everywhere at once
              and cannot sign in or use the ledger until an admin reactivates the account.
            </p>
          ) : (
            <p>
              {change.user.fullName} can sign in again and receives a fresh ledger certificate. Their grants and care
              assignments are as they were.
            </p>
          )}
          <ErrorNotice error={setStatus.error} onRetry={() => setStatus.mutate(change)} />
        </ConfirmDialog>
      )}
    </Page>
  );
}
