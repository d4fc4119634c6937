import { Pager, usePager } from '../pager';
import { ErrorMessage, Loading, useQuery, when } from '../ui';

const EVENTS = `query ($after: String) {
  auditEvents(first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id at actor action targetType targetId before after } } }
}`;

interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
}

/** Who changed what, when, with the state before and after. */
export function AuditPage() {
  const pager = usePager();
  const { data, error } = useQuery<{ auditEvents: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: AuditEvent }> } }>(EVENTS, {
    after: pager.after,
  });
  return (
    <main>
      <h1>Audit log</h1>
      <ErrorMessage error={error} />
      {!data && !error ? <Loading what="the audit log" /> : null}
      {data ? (
        <>
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">Audit events, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Before and after</th>
                </tr>
              </thead>
              <tbody>
                {data.auditEvents.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>{when(node.at)}</td>
                    <td>{node.actor}</td>
                    <th scope="row">
                      {node.action} <span class="muted">{node.targetType}</span>
                    </th>
                    <td>
                      {node.before || node.after ? (
                        <details>
                          <summary>Show</summary>
                          {node.before ? <pre class="json">before: {JSON.stringify(node.before, null, 2)}</pre> : null}
                          {node.after ? <pre class="json">after: {JSON.stringify(node.after, null, 2)}</pre> : null}
                        </details>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pager={pager} pageInfo={data.auditEvents.pageInfo} total={data.auditEvents.totalCount} shown={data.auditEvents.edges.length} noun="events" />
        </>
      ) : null}
    </main>
  );
}
