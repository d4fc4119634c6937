import { useState } from 'preact/hooks';
import { Changes, Progress, RUN_FIELDS, RunSummary, useRun } from '../run-progress';
import { ErrorMessage, Loading, useQuery, when } from '../ui';
import { SyncStatus } from './connectors';

const RUNS = `query ($id: ID!, $after: String) {
  connector(id: $id) { id name syncRuns(first: 30, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${RUN_FIELDS} } } } }
}`;

const usersChanged = (run: RunSummary) => run.usersCreated + run.usersUpdated + run.usersDisabled + run.usersEnabled + run.usersDeleted;
const membershipsChanged = (run: RunSummary) => run.membershipsAdded + run.membershipsRemoved;

/** A connector's sync runs: a chart of changes per run over time, and the runs, newest first. */
export function RunsPage({ id }: { id: string }) {
  const [after, setAfter] = useState<string | null>(null);
  const { data, error } = useQuery<{
    connector: { id: string; name: string; syncRuns: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: RunSummary }> } } | null;
  }>(RUNS, { id, after });
  if (error) return <main><ErrorMessage error={error} /></main>;
  if (!data) return <main><Loading what="the sync runs" /></main>;
  if (!data.connector) return <main><h1>No such connector</h1></main>;
  const { connector } = data;
  const runs = connector.syncRuns.edges.map((edge) => edge.node);
  const running = runs.find((run) => run.status === 'RUNNING' && run.kind !== 'INCREMENTAL');
  return (
    <main>
      <p class="breadcrumb">
        <a href="#/">Connectors</a> / <a href={`#/connectors/${id}`}>{connector.name}</a> /
      </p>
      <h1>Sync runs</h1>
      {running ? <Running initial={running} /> : null}
      {runs.length === 0 ? <p>No run yet. SCIM traffic and settings changes start them.</p> : <ChangesChart runs={[...runs].reverse()} />}
      {runs.length > 0 ? (
        <div class="table-scroll">
          <table>
            <caption>
              {connector.syncRuns.totalCount} runs, newest first{after ? ' (a later page)' : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Started</th>
                <th scope="col" class="number">
                  Users changed
                </th>
                <th scope="col" class="number">
                  Memberships changed
                </th>
                <th scope="col" class="number">
                  Errors
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id}>
                  <th scope="row">
                    <a href={`#/runs/${run.id}`}>
                      <SyncStatus run={run} />
                    </a>
                  </th>
                  <td>{when(run.startedAt)}</td>
                  <td class="number">{usersChanged(run)}</td>
                  <td class="number">{membershipsChanged(run)}</td>
                  <td class="number">{run.errors}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {connector.syncRuns.pageInfo.hasNextPage ? (
        <button type="button" class="secondary" onClick={() => setAfter(connector.syncRuns.pageInfo.endCursor)}>
          Older runs
        </button>
      ) : null}
      {after ? (
        <button type="button" class="secondary" onClick={() => setAfter(null)}>
          Newest runs
        </button>
      ) : null}
    </main>
  );
}

function Running({ initial }: { initial: RunSummary }) {
  const { run } = useRun(initial);
  if (!run) return null;
  return (
    <section aria-label="Running now">
      <h2>Running now: {run.kind === 'PREVIEW' ? 'a preview' : 'a full sync'}</h2>
      {run.status === 'RUNNING' ? (
        <Progress run={run} />
      ) : (
        <p role="status">
          It ended: {run.status.toLowerCase().replace('_', ' ')}. <a href={`#/runs/${run.id}`}>See the run</a>
        </p>
      )}
    </section>
  );
}

/** Bars of the users and memberships each run changed, oldest on the left; the table below says the same in words. */
function ChangesChart({ runs }: { runs: RunSummary[] }) {
  const width = 720;
  const height = 180;
  const top = 10;
  const bottom = 24;
  const peak = Math.max(1, ...runs.map((run) => Math.max(usersChanged(run), membershipsChanged(run))));
  const slot = width / runs.length;
  const bar = Math.max(2, Math.min(14, slot / 3));
  const y = (value: number) => top + (height - top - bottom) * (1 - value / peak);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Changes per run for the last ${runs.length} runs; at most ${peak} in one run`}>
        <line x1={0} x2={width} y1={height - bottom} y2={height - bottom} class="axis" />
        <text x={4} y={top + 8} class="tick">
          {peak}
        </text>
        {runs.map((run, index) => {
          const x = index * slot + slot / 2;
          return (
            <g key={run.id}>
              <title>{`${run.kind.toLowerCase()} ${when(run.startedAt)}: ${usersChanged(run)} user changes, ${membershipsChanged(run)} membership changes`}</title>
              <rect x={x - bar} y={y(usersChanged(run))} width={bar} height={height - bottom - y(usersChanged(run))} class="users" />
              <rect x={x} y={y(membershipsChanged(run))} width={bar} height={height - bottom - y(membershipsChanged(run))} class="memberships" />
            </g>
          );
        })}
        <text x={4} y={height - 6} class="tick">
          {when(runs[0].startedAt)}
        </text>
        <text x={width - 4} y={height - 6} class="tick end">
          {when(runs[runs.length - 1].startedAt)}
        </text>
      </svg>
      <figcaption>
        <span class="key users" /> users changed <span class="key memberships" /> memberships changed, per run
      </figcaption>
    </figure>
  );
}

const RUN = `query ($id: ID!, $after: String) {
  syncRun(id: $id) { ${RUN_FIELDS} connectorId memory log(first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { at level message userName } } } }
}`;

interface RunDetail extends RunSummary {
  connectorId: string;
  memory: Record<string, { heapUsed: number; rss: number; freeSystem: number }> | null;
  log: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { at: string; level: string; message: string; userName: string | null } }> };
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** One run: its counts (with samples for a preview), memory figures, and its log page by page. */
export function RunPage({ id }: { id: string }) {
  const [after, setAfter] = useState<string | null>(null);
  const { data, error } = useQuery<{ syncRun: RunDetail | null }>(RUN, { id, after });
  const { run: live } = useRun(data?.syncRun ?? null);
  if (error) return <main><ErrorMessage error={error} /></main>;
  if (!data) return <main><Loading what="the run" /></main>;
  const run = data.syncRun;
  if (!run) return <main><h1>No such run</h1></main>;
  const current = live ?? run;
  return (
    <main>
      <p class="breadcrumb">
        <a href={`#/connectors/${run.connectorId}/runs`}>Sync runs</a> /
      </p>
      <h1>
        {run.kind === 'PREVIEW' ? 'Preview' : run.kind === 'FULL' ? 'Full sync' : 'Incremental cycle'}: {current.status.toLowerCase().replace('_', ' ')}
      </h1>
      <p>
        Started {when(run.startedAt)}
        {current.finishedAt ? `, ended ${when(current.finishedAt)}` : ''}.
      </p>
      {current.status === 'RUNNING' && run.kind !== 'INCREMENTAL' ? <Progress run={current} /> : null}
      <Changes run={current} caption="Changes" />
      {run.memory ? (
        <div class="table-scroll">
          <table>
            <caption>Memory</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col" class="number">Heap used</th>
                <th scope="col" class="number">RSS</th>
                <th scope="col" class="number">Free system memory</th>
              </tr>
            </thead>
            <tbody>
              {(['start', 'peak', 'end'] as const)
                .filter((point) => run.memory![point])
                .map((point) => (
                  <tr key={point}>
                    <th scope="row">{point}</th>
                    <td class="number">{megabytes(run.memory![point].heapUsed)}</td>
                    <td class="number">{megabytes(run.memory![point].rss)}</td>
                    <td class="number">{megabytes(run.memory![point].freeSystem)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h2>Log</h2>
      {run.log.edges.length === 0 ? <p class="muted">No log lines{after ? ' on this page' : ''}.</p> : null}
      <ol class="log">
        {run.log.edges.map(({ node }, index) => (
          <li key={index} class={`level-${node.level.toLowerCase()}`}>
            <span class="muted">{when(node.at)}</span> <strong>{node.level}</strong> {node.userName ? <code>{node.userName}</code> : null} {node.message}
          </li>
        ))}
      </ol>
      <p class="hint">{run.log.totalCount} lines in all.</p>
      {run.log.pageInfo.hasNextPage ? (
        <button type="button" class="secondary" onClick={() => setAfter(run.log.pageInfo.endCursor)}>
          Next log lines
        </button>
      ) : null}
      {after ? (
        <button type="button" class="secondary" onClick={() => setAfter(null)}>
          First log lines
        </button>
      ) : null}
    </main>
  );
}
