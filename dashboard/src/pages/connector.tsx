import { useEffect, useState } from 'preact/hooks';
import { Copyable, ErrorMessage, Loading, Section, useMutation, useQuery, when } from '../ui';
import { SyncStatus } from './connectors';

interface CopyBehaviour {
  enabled: boolean;
  sourceDirectoryIds: string[];
  memberships: boolean;
  lastLogin: boolean;
  properties: boolean;
}

interface Connector {
  id: string;
  name: string;
  enabled: boolean;
  scimBaseUrl: string;
  directoryId: string;
  cleanupAction: 'DISABLE' | 'DELETE' | 'KEEP';
  logFreeMemory: boolean;
  copyBehaviour: CopyBehaviour;
  stats: { users: number; activeUsers: number; groups: number; memberships: number };
  lastSync: { kind: string; status: string; startedAt: string; finishedAt: string | null } | null;
  tokens: Array<{ id: string; prefix: string; createdAt: string; lastUsedAt: string | null; expiresAt: string | null; live: boolean }>;
}

const CONNECTOR = `query ($id: ID!) {
  connector(id: $id) {
    id name enabled scimBaseUrl directoryId cleanupAction logFreeMemory
    copyBehaviour { enabled sourceDirectoryIds memberships lastLogin properties }
    stats { users activeUsers groups memberships }
    lastSync { kind status startedAt finishedAt }
    tokens { id prefix createdAt lastUsedAt expiresAt live }
  }
  directories { id kind name }
}`;
const UPDATE = `mutation ($id: ID!, $input: UpdateConnectorInput!) { updateConnector(id: $id, input: $input) { id } }`;
const ROTATE = `mutation ($id: ID!, $grace: Int) { rotateConnectorToken(connectorId: $id, graceSeconds: $grace) { token } }`;
const REVOKE = `mutation ($id: ID!, $token: ID!) { revokeConnectorToken(connectorId: $id, tokenId: $token) { id } }`;

const CLEANUP_ACTIONS = [
  ['DISABLE', 'Disable the user (the default)'],
  ['DELETE', 'Delete the user'],
  ['KEEP', 'Keep the user as it is'],
] as const;

export function ConnectorPage({ id, canEdit }: { id: string; canEdit: boolean }) {
  const { data, error, reload } = useQuery<{ connector: Connector | null; directories: Array<{ id: string; kind: string; name: string }> }>(CONNECTOR, { id });
  if (error) return <main><ErrorMessage error={error} /></main>;
  if (!data) return <main><Loading what="the connector" /></main>;
  const { connector } = data;
  if (!connector) {
    return (
      <main>
        <h1>No such connector</h1>
        <p>
          It may have been deleted. <a href="#/">Back to the connectors</a>
        </p>
      </main>
    );
  }
  return (
    <main>
      <p class="breadcrumb">
        <a href="#/">Connectors</a> /
      </p>
      <h1>{connector.name}</h1>
      <p>
        Provisioning is <strong>{connector.enabled ? 'on' : 'off'}</strong>. {connector.stats.users} users ({connector.stats.activeUsers} active), {connector.stats.groups} groups,{' '}
        {connector.stats.memberships} memberships. Last sync: {connector.lastSync ? <SyncStatus run={connector.lastSync} /> : 'never'}.
      </p>
      <nav class="subnav" aria-label={`${connector.name}: more`}>
        <a href={`#/connectors/${connector.id}/policy`}>Group policy</a>
        <a href={`#/connectors/${connector.id}/mappings`}>Attribute mappings</a>
        <a href={`#/connectors/${connector.id}/runs`}>Sync runs</a>
      </nav>
      <Section title="SCIM endpoint">
        <Copyable label="Tenant URL" value={connector.scimBaseUrl} />
        <Tokens connector={connector} canEdit={canEdit} onChange={reload} />
      </Section>
      <Settings connector={connector} directories={data.directories.filter((directory) => directory.id !== connector.directoryId)} canEdit={canEdit} onSaved={reload} />
    </main>
  );
}

function Tokens({ connector, canEdit, onChange }: { connector: Connector; canEdit: boolean; onChange: () => void }) {
  const [grace, setGrace] = useState('3600');
  const [issued, setIssued] = useState<string | null>(null);
  const rotate = useMutation<{ rotateConnectorToken: { token: string } }>(ROTATE);
  const revoke = useMutation<unknown>(REVOKE);
  const submit = async (event: Event) => {
    event.preventDefault();
    const answer = await rotate.run({ id: connector.id, grace: Number(grace) });
    if (answer) {
      setIssued(answer.rotateConnectorToken.token);
      onChange();
    }
  };
  return (
    <div>
      <h3>Bearer tokens</h3>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Ends</th>
              <th scope="col">State</th>
              {canEdit ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {connector.tokens.map((token) => (
              <tr key={token.id}>
                <th scope="row">
                  <code>{token.prefix}…</code>
                </th>
                <td>{when(token.createdAt)}</td>
                <td>{when(token.lastUsedAt)}</td>
                <td>{token.expiresAt ? when(token.expiresAt) : 'current'}</td>
                <td>{token.live ? 'works' : 'ended'}</td>
                {canEdit ? (
                  <td>
                    {token.live ? (
                      <button type="button" class="secondary" onClick={async () => (await revoke.run({ id: connector.id, token: token.id })) && onChange()}>
                        Revoke {token.prefix}…
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorMessage error={revoke.error} />
      {canEdit ? (
        <form class="inline" onSubmit={submit}>
          <label for="grace">Older tokens keep working for (seconds)</label>
          <input id="grace" type="number" min={0} max={604800} value={grace} onInput={(event) => setGrace(event.currentTarget.value)} />
          <button type="submit" disabled={rotate.pending}>
            Rotate token
          </button>
        </form>
      ) : null}
      <ErrorMessage error={rotate.error} />
      {issued ? (
        <div class="credentials" role="region" aria-label="New token">
          <p>The new token is shown this once: paste it into the identity provider now.</p>
          <Copyable label="Secret token" value={issued} secret />
        </div>
      ) : null}
    </div>
  );
}

function Settings({
  connector,
  directories,
  canEdit,
  onSaved,
}: {
  connector: Connector;
  directories: Array<{ id: string; kind: string; name: string }>;
  canEdit: boolean;
  onSaved: () => void;
}) {
  const [enabled, setEnabled] = useState(connector.enabled);
  const [cleanupAction, setCleanupAction] = useState(connector.cleanupAction);
  const [logFreeMemory, setLogFreeMemory] = useState(connector.logFreeMemory);
  const [copy, setCopy] = useState<CopyBehaviour>(connector.copyBehaviour);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setEnabled(connector.enabled);
    setCleanupAction(connector.cleanupAction);
    setLogFreeMemory(connector.logFreeMemory);
    setCopy(connector.copyBehaviour);
  }, [connector]);
  const update = useMutation<unknown>(UPDATE);
  const submit = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const input = { enabled, cleanupAction, logFreeMemory, copyBehaviour: copy };
    if (await update.run({ id: connector.id, input })) {
      setSaved(true);
      onSaved();
    }
  };
  const name = (id: string) => directories.find((directory) => directory.id === id)?.name ?? id;
  const move = (index: number, by: number) => {
    const ids = [...copy.sourceDirectoryIds];
    [ids[index], ids[index + by]] = [ids[index + by], ids[index]];
    setCopy({ ...copy, sourceDirectoryIds: ids });
  };
  const toggleSource = (id: string, on: boolean) =>
    setCopy({ ...copy, sourceDirectoryIds: on ? [...copy.sourceDirectoryIds, id] : copy.sourceDirectoryIds.filter((source) => source !== id) });
  return (
    <Section title="Settings">
      <form class="settings" onSubmit={submit}>
        <fieldset disabled={!canEdit}>
          <legend class="visually-hidden">Connector settings</legend>
          <label class="check">
            <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} /> Provisioning on (the SCIM endpoint accepts requests)
          </label>
          <label for="cleanup">When the IdP deletes a user, it is in no required group, or a mapping drops it</label>
          <select id="cleanup" value={cleanupAction} onChange={(event) => setCleanupAction(event.currentTarget.value as Connector['cleanupAction'])}>
            {CLEANUP_ACTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <label class="check">
            <input type="checkbox" checked={logFreeMemory} onChange={(event) => setLogFreeMemory(event.currentTarget.checked)} /> Record memory figures in sync runs
          </label>
          <fieldset>
            <legend>Copy behaviour</legend>
            <label class="check">
              <input type="checkbox" checked={copy.enabled} onChange={(event) => setCopy({ ...copy, enabled: event.currentTarget.checked })} /> When this connector first creates a user whose
              userName exists in another directory, copy from that user:
            </label>
            <div class="checks">
              {(['memberships', 'lastLogin', 'properties'] as const).map((what) => (
                <label class="check" key={what}>
                  <input type="checkbox" checked={copy[what]} onChange={(event) => setCopy({ ...copy, [what]: event.currentTarget.checked })} />{' '}
                  {what === 'lastLogin' ? 'last login' : what}
                </label>
              ))}
            </div>
            <p id="sources-help" class="hint">
              Directories searched, in this order:
            </p>
            <ol aria-describedby="sources-help">
              {copy.sourceDirectoryIds.map((id, index) => (
                <li key={id}>
                  {name(id)}{' '}
                  <button type="button" class="secondary" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`Move ${name(id)} up`}>
                    ↑
                  </button>
                  <button type="button" class="secondary" disabled={index === copy.sourceDirectoryIds.length - 1} onClick={() => move(index, 1)} aria-label={`Move ${name(id)} down`}>
                    ↓
                  </button>
                  <button type="button" class="secondary" onClick={() => toggleSource(id, false)} aria-label={`Remove ${name(id)}`}>
                    Remove
                  </button>
                </li>
              ))}
            </ol>
            {directories
              .filter((directory) => !copy.sourceDirectoryIds.includes(directory.id))
              .map((directory) => (
                <button type="button" class="secondary" key={directory.id} onClick={() => toggleSource(directory.id, true)}>
                  Add {directory.name}
                </button>
              ))}
          </fieldset>
          {canEdit ? (
            <button type="submit" disabled={update.pending}>
              Save settings
            </button>
          ) : null}
        </fieldset>
        <ErrorMessage error={update.error} />
        {saved ? (
          <p role="status" class="notice">
            Saved. A change of cleanup or copy behaviour starts a full sync, so that the directory follows.
          </p>
        ) : null}
      </form>
    </Section>
  );
}
