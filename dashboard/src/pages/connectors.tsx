import { useState } from 'preact/hooks';
import { Copyable, ErrorMessage, Loading, Section, useMutation, useQuery, when } from '../ui';

interface ConnectorRow {
  id: string;
  name: string;
  enabled: boolean;
  stats: { users: number; activeUsers: number; groups: number; memberships: number };
  lastSync: { kind: string; status: string; startedAt: string; finishedAt: string | null } | null;
}

const CONNECTORS = `{ connectors { id name enabled stats { users activeUsers groups memberships } lastSync { kind status startedAt finishedAt } } }`;
const CREATE = `mutation ($name: String!) { createConnector(input: { name: $name }) { connector { id name scimBaseUrl } token } }`;

export function ConnectorsPage({ canEdit }: { canEdit: boolean }) {
  const { data, error, reload } = useQuery<{ connectors: ConnectorRow[] }>(CONNECTORS);
  return (
    <main>
      <h1>Connectors</h1>
      <ErrorMessage error={error} />
      {canEdit ? <NewConnector onCreated={reload} /> : null}
      {!data && !error ? <Loading what="connectors" /> : null}
      {data && data.connectors.length === 0 ? <p>No connector yet.{canEdit ? ' Create one above, then paste its tenant URL and token into your identity provider.' : ''}</p> : null}
      {data && data.connectors.length > 0 ? (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">Connectors with their directories’ counts</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Provisioning</th>
                <th scope="col">Last sync</th>
                <th scope="col" class="number">Users</th>
                <th scope="col" class="number">Active</th>
                <th scope="col" class="number">Groups</th>
                <th scope="col" class="number">Memberships</th>
              </tr>
            </thead>
            <tbody>
              {data.connectors.map((connector) => (
                <tr key={connector.id}>
                  <th scope="row">
                    <a href={`#/connectors/${connector.id}`}>{connector.name}</a>
                  </th>
                  <td>{connector.enabled ? 'On' : 'Off'}</td>
                  <td>{connector.lastSync ? <SyncStatus run={connector.lastSync} /> : <span class="muted">never</span>}</td>
                  <td class="number">{connector.stats.users}</td>
                  <td class="number">{connector.stats.activeUsers}</td>
                  <td class="number">{connector.stats.groups}</td>
                  <td class="number">{connector.stats.memberships}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </main>
  );
}

export function SyncStatus({ run }: { run: { kind: string; status: string; startedAt: string; finishedAt: string | null } }) {
  return (
    <span>
      <span class={`status status-${run.status.toLowerCase()}`}>{run.status.replace('_', ' ').toLowerCase()}</span> {run.kind.toLowerCase()}, {when(run.finishedAt ?? run.startedAt)}
    </span>
  );
}

function NewConnector({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ connector: { id: string; name: string; scimBaseUrl: string }; token: string } | null>(null);
  const create = useMutation<{ createConnector: { connector: { id: string; name: string; scimBaseUrl: string }; token: string } }>(CREATE);
  const submit = async (event: Event) => {
    event.preventDefault();
    const answer = await create.run({ name });
    if (answer) {
      setCreated(answer.createConnector);
      setName('');
      onCreated();
    }
  };
  return (
    <Section title="New connector">
      <form class="inline" onSubmit={submit}>
        <label for="connector-name">Name</label>
        <input id="connector-name" value={name} required maxLength={255} onInput={(event) => setName(event.currentTarget.value)} />
        <button type="submit" disabled={create.pending || name.trim() === ''}>
          Create connector
        </button>
      </form>
      <ErrorMessage error={create.error} />
      {created ? (
        <div class="credentials" role="region" aria-label={`Credentials of ${created.connector.name}`}>
          <p>
            <strong>{created.connector.name}</strong> is ready. Paste these into the identity provider’s provisioning settings (in Entra: Provisioning → Admin Credentials). The token is
            shown this once.
          </p>
          <Copyable label="Tenant URL" value={created.connector.scimBaseUrl} />
          <Copyable label="Secret token" value={created.token} secret />
          <p>
            <a href={`#/connectors/${created.connector.id}`}>Open {created.connector.name}</a>
          </p>
        </div>
      ) : null}
    </Section>
  );
}
