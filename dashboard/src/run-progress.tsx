import { useEffect, useState } from 'preact/hooks';
import { ApiError, gql } from './api';

export interface RunSummary {
  id: string;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  usersProcessed: number;
  usersTotal: number | null;
  usersCreated: number;
  usersUpdated: number;
  usersDisabled: number;
  usersEnabled: number;
  usersDeleted: number;
  membershipsAdded: number;
  membershipsRemoved: number;
  errors: number;
  diff: Record<string, string[]> | null;
}

export const RUN_FIELDS =
  'id kind status startedAt finishedAt usersProcessed usersTotal usersCreated usersUpdated usersDisabled usersEnabled usersDeleted membershipsAdded membershipsRemoved errors diff';

/** How often a running run is looked at. */
const POLL_MS = 750;

/** Follows a run until it ends: its latest state, re-read while it is RUNNING. */
export function useRun(initial: RunSummary | null): { run: RunSummary | null; error: ApiError | null } {
  const [run, setRun] = useState(initial);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => setRun(initial), [initial?.id]);
  useEffect(() => {
    if (!run || run.status !== 'RUNNING') return undefined;
    const timer = setTimeout(async () => {
      try {
        const { syncRun } = await gql<{ syncRun: RunSummary | null }>(`query ($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: run.id });
        if (syncRun) setRun(syncRun);
      } catch (failure) {
        setError(failure instanceof ApiError ? failure : new ApiError(String(failure), null));
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [run]);
  return { run, error };
}

export function Progress({ run }: { run: RunSummary }) {
  const total = Math.max(run.usersTotal ?? 0, run.usersProcessed);
  return (
    <div class="progress">
      <progress max={total || 1} value={run.usersProcessed} aria-label={`${run.kind.toLowerCase()} progress`} />
      <span role="status">
        {run.usersProcessed} of {run.usersTotal ?? '?'} users
      </span>
    </div>
  );
}

/** The kinds of change a run counts, with the diff key of their samples. */
export const CHANGES: Array<[label: string, count: keyof RunSummary, samples: string]> = [
  ['Users created', 'usersCreated', 'created'],
  ['Users updated', 'usersUpdated', 'updated'],
  ['Users disabled', 'usersDisabled', 'disabled'],
  ['Users enabled', 'usersEnabled', 'enabled'],
  ['Users deleted', 'usersDeleted', 'deleted'],
  ['Memberships added', 'membershipsAdded', 'membershipsAdded'],
  ['Memberships removed', 'membershipsRemoved', 'membershipsRemoved'],
  ['Errors', 'errors', 'errors'],
];

/** A run's counts, with samples when it is a preview. */
export function Changes({ run, caption }: { run: RunSummary; caption: string }) {
  const withSamples = run.diff !== null;
  return (
    <div class="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col" class="number">
              Count
            </th>
            {withSamples ? <th scope="col">Samples</th> : null}
          </tr>
        </thead>
        <tbody>
          {CHANGES.map(([label, count, samples]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td class="number">{run[count] as number}</td>
              {withSamples ? <td class="samples">{(run.diff?.[samples] ?? []).join(', ') || '—'}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
