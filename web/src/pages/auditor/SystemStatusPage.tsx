import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Time } from '../../components/Time';
import { formatBytes, formatDateTime } from '../../components/format';
import './system-status.css';

/** The status is cheap for one viewer; every 30 s keeps a page left open honest. */
const REFRESH_MS = 30_000;

function UpTag({ up }: { up: boolean }) {
  return <span className={up ? 'tag tag-ok' : 'tag tag-bad'}>{up ? 'Up' : 'Away'}</span>;
}

/** The running system for admins and auditors: versions, the channel and its peers, IPFS, the projection. */
export function SystemStatusPage() {
  const status = useQuery({
    queryKey: ['system', 'status'],
    queryFn: () => answer(api.GET('/api/v1/system/status')),
    refetchInterval: REFRESH_MS,
  });
  const data = status.data;
  const peersUp = data?.peers.filter((peer) => peer.answering).length ?? 0;
  const lag = data?.projection.lagBlocks;
  return (
    <Page
      title="System status"
      intro={
        status.dataUpdatedAt
          ? `As of ${formatDateTime(new Date(status.dataUpdatedAt).toISOString())}; refreshed every 30 seconds.`
          : 'The ledger network, the document store and the audit projection.'
      }
      actions={
        <button type="button" onClick={() => void status.refetch()} disabled={status.isFetching}>
          {status.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      }
    >
      <ErrorNotice error={status.error} onRetry={() => void status.refetch()} />
      {status.isPending && <Loading label="Asking the peers, IPFS and the database…" />}
      {data && (
        <>
          <ul className="status-summary" aria-label="Summary">
            <li className="card">
              <span className="status-label">Peers</span>
              <span className="status-value">
                {peersUp} of {data.peers.length} up
              </span>
              <UpTag up={peersUp === data.peers.length} />
            </li>
            <li className="card">
              <span className="status-label">IPFS</span>
              <span className="status-value">{data.ipfs.answering ? 'Answering' : 'Not answering'}</span>
              <UpTag up={data.ipfs.answering} />
            </li>
            <li className="card">
              <span className="status-label">Projection lag</span>
              <span className="status-value">
                {lag === null || lag === undefined ? 'Unknown' : `${lag} block${lag === 1 ? '' : 's'}`}
              </span>
              <span className={lag === 0 ? 'tag tag-ok' : 'tag tag-warn'}>{lag === 0 ? 'Up to date' : 'Behind'}</span>
            </li>
            <li className="card">
              <span className="status-label">Last reconciliation</span>
              <span className="status-value">
                {data.reconciliation ? <Time value={data.reconciliation.finishedAt} /> : 'Never run'}
              </span>
              {data.reconciliation && (
                <span className={data.reconciliation.ok ? 'tag tag-ok' : 'tag tag-bad'}>
                  {data.reconciliation.ok
                    ? 'No differences'
                    : `${data.reconciliation.differences} difference${data.reconciliation.differences === 1 ? '' : 's'}`}
                </span>
              )}
            </li>
          </ul>

          <section className="panel" aria-labelledby="versions-heading">
            <h2 id="versions-heading">Versions</h2>
            <dl className="facts">
              <dt>MedLedger API</dt>
              <dd>{data.api.version}</dd>
              <dt>Chaincode</dt>
              <dd>
                {data.chaincode.name}, version <code>{data.chaincode.version ?? 'unknown'}</code>, sequence{' '}
                {data.chaincode.sequence ?? 'unknown'}
              </dd>
              <dt>Hyperledger Fabric</dt>
              <dd>{data.fabric.version ?? 'unknown'}</dd>
              <dt>Channel</dt>
              <dd>
                <code>{data.channel}</code>
              </dd>
            </dl>
          </section>

          <div className="table-wrap">
            <table>
              <caption>Peers of channel {data.channel}</caption>
              <thead>
                <tr>
                  <th scope="col">Hospital</th>
                  <th scope="col">MSP</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">State</th>
                  <th scope="col">Block height</th>
                </tr>
              </thead>
              <tbody>
                {data.peers.map((peer) => (
                  <tr key={`${peer.mspId}-${peer.endpoint}`}>
                    <th scope="row">{peer.hospital}</th>
                    <td>{peer.mspId}</td>
                    <td>
                      <code>{peer.endpoint}</code>
                    </td>
                    <td>
                      <UpTag up={peer.answering} />
                    </td>
                    <td>{peer.blockHeight ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <section className="panel" aria-labelledby="ipfs-heading">
            <h2 id="ipfs-heading">Document store (IPFS)</h2>
            <dl className="facts">
              <dt>Node</dt>
              <dd>
                {data.ipfs.kind === 'kubo' ? 'Kubo' : 'Embedded Helia'} <UpTag up={data.ipfs.answering} />
              </dd>
              <dt>Version</dt>
              <dd>{data.ipfs.version ?? 'unknown'}</dd>
              <dt>Peer ID</dt>
              <dd>
                <code className="break">{data.ipfs.id ?? '—'}</code>
              </dd>
              <dt>Repository size</dt>
              <dd>{data.ipfs.repoSizeBytes === null ? '—' : formatBytes(data.ipfs.repoSizeBytes)}</dd>
            </dl>
          </section>

          <section className="panel" aria-labelledby="projection-heading">
            <h2 id="projection-heading">Audit projection</h2>
            <p className="meta">The ledger’s events as tables, for the audit trail.</p>
            <dl className="facts">
              <dt>Checkpoint block</dt>
              <dd>{data.projection.checkpointBlock ?? 'none yet'}</dd>
              <dt>Chain height</dt>
              <dd>{data.projection.chainHeight ?? 'unknown'}</dd>
              <dt>Lag</dt>
              <dd>
                {data.projection.lagBlocks ?? 'unknown'} blocks, {data.projection.lagEvents ?? 'uncounted'} events
              </dd>
              <dt>Last reconciliation</dt>
              <dd>
                {data.reconciliation ? (
                  <>
                    <Time value={data.reconciliation.finishedAt} />:{' '}
                    {data.reconciliation.ok
                      ? 'the projection matched the ledger'
                      : `${data.reconciliation.differences} differences with the ledger`}
                  </>
                ) : (
                  'none has run (npm run audit:reconcile)'
                )}
              </dd>
            </dl>
          </section>
        </>
      )}
    </Page>
  );
}
