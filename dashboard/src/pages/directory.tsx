import { useState } from 'preact/hooks';
import { Pager, usePager } from '../pager';
import { ErrorMessage, Loading, useQuery } from '../ui';

interface UserRow {
  id: string;
  userName: string;
  displayName: string | null;
  email: string | null;
  active: boolean;
  disabledReason: string | null;
}
type PageInfo = { hasNextPage: boolean; endCursor: string | null };

const USERS = `query ($connectorId: ID, $search: String, $active: Boolean, $group: String, $after: String) {
  users(connectorId: $connectorId, search: $search, active: $active, group: $group, first: 50, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id userName displayName email active disabledReason } }
  }
  connectors { id name }
}`;

export function UsersPage() {
  const [filters, setFilters] = useState({ search: '', connectorId: '', active: '', group: '' });
  const pager = usePager();
  const change = (key: keyof typeof filters) => (event: Event) => {
    setFilters({ ...filters, [key]: (event.currentTarget as HTMLInputElement).value });
    pager.reset();
  };
  const { data, error } = useQuery<{ users: { totalCount: number; pageInfo: PageInfo; edges: Array<{ node: UserRow }> }; connectors: Array<{ id: string; name: string }> }>(USERS, {
    search: filters.search || null,
    connectorId: filters.connectorId || null,
    active: filters.active === '' ? null : filters.active === 'active',
    group: filters.group || null,
    after: pager.after,
  });
  return (
    <main>
      <h1>Users</h1>
      <form class="filters" onSubmit={(event) => event.preventDefault()} role="search" aria-label="Filter the users">
        <div>
          <label for="user-search">userName starts with</label>
          <input id="user-search" type="search" value={filters.search} onInput={change('search')} />
        </div>
        <div>
          <label for="user-connector">Connector</label>
          <select id="user-connector" value={filters.connectorId} onChange={change('connectorId')}>
            <option value="">All directories</option>
            {(data?.connectors ?? []).map((connector) => (
              <option key={connector.id} value={connector.id}>
                {connector.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="user-active">State</label>
          <select id="user-active" value={filters.active} onChange={change('active')}>
            <option value="">Active or not</option>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
          </select>
        </div>
        <div>
          <label for="user-group">Member of the group</label>
          <input id="user-group" value={filters.group} onInput={change('group')} />
        </div>
      </form>
      <ErrorMessage error={error} />
      {!data && !error ? <Loading what="users" /> : null}
      {data ? (
        <>
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">Users in userName order</caption>
              <thead>
                <tr>
                  <th scope="col">userName</th>
                  <th scope="col">Display name</th>
                  <th scope="col">Email</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {data.users.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <th scope="row">
                      <a href={`#/users/${node.id}`}>{node.userName}</a>
                    </th>
                    <td>{node.displayName ?? '—'}</td>
                    <td>{node.email ?? '—'}</td>
                    <td>{node.active ? 'active' : `disabled${node.disabledReason ? ` (${node.disabledReason.toLowerCase()})` : ''}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pager={pager} pageInfo={data.users.pageInfo} total={data.users.totalCount} shown={data.users.edges.length} noun="users" />
        </>
      ) : null}
    </main>
  );
}

const USER = `query ($id: ID!) {
  user(id: $id) {
    id userName displayName email active disabledReason directoryId
    memberships { managedBy group { id name origin } }
    idpResource
  }
  directories { id name }
}`;

const MANAGED_BY: Record<string, string> = {
  IDP: 'the identity provider',
  POLICY: 'always assign',
  LOCAL: 'an admin',
  COPIED: 'copy behaviour',
};

/** One user: the directory's view beside what the IdP sent, and each membership with what keeps it. */
export function UserPage({ id }: { id: string }) {
  const { data, error } = useQuery<{
    user: (UserRow & { directoryId: string; memberships: Array<{ managedBy: string; group: { id: string; name: string; origin: string } }>; idpResource: unknown }) | null;
    directories: Array<{ id: string; name: string }>;
  }>(USER, { id });
  if (error) return <main><ErrorMessage error={error} /></main>;
  if (!data) return <main><Loading what="the user" /></main>;
  const { user } = data;
  if (!user) return <main><h1>No such user</h1></main>;
  const directory = data.directories.find((candidate) => candidate.id === user.directoryId)?.name ?? user.directoryId;
  return (
    <main>
      <p class="breadcrumb">
        <a href="#/users">Users</a> /
      </p>
      <h1>{user.userName}</h1>
      <div class="side-by-side">
        <section aria-labelledby="directory-view">
          <h2 id="directory-view">In the directory</h2>
          <dl>
            <dt>Directory</dt>
            <dd>{directory}</dd>
            <dt>Display name</dt>
            <dd>{user.displayName ?? '—'}</dd>
            <dt>Email</dt>
            <dd>{user.email ?? '—'}</dd>
            <dt>State</dt>
            <dd>{user.active ? 'active' : `disabled${user.disabledReason ? ` by ${user.disabledReason.toLowerCase()}` : ''}`}</dd>
          </dl>
          <h3>Memberships</h3>
          {user.memberships.length === 0 ? <p class="muted">None.</p> : null}
          <ul>
            {user.memberships.map((membership) => (
              <li key={membership.group.id}>
                <a href={`#/groups/${membership.group.id}`}>{membership.group.name}</a> <span class="muted">kept by {MANAGED_BY[membership.managedBy] ?? membership.managedBy}</span>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="idp-view">
          <h2 id="idp-view">What the identity provider sent</h2>
          {user.idpResource ? <pre class="json">{JSON.stringify(user.idpResource, null, 2)}</pre> : <p class="muted">Nothing: a local user, or one the IdP deleted.</p>}
        </section>
      </div>
    </main>
  );
}

const GROUPS = `query ($search: String, $origin: GroupOrigin, $after: String) {
  groups(search: $search, origin: $origin, first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name origin memberCount } } }
}`;

export function GroupsPage() {
  const [search, setSearch] = useState('');
  const [origin, setOrigin] = useState('');
  const pager = usePager();
  const { data, error } = useQuery<{ groups: { totalCount: number; pageInfo: PageInfo; edges: Array<{ node: { id: string; name: string; origin: string; memberCount: number } }> } }>(GROUPS, {
    search: search || null,
    origin: origin || null,
    after: pager.after,
  });
  return (
    <main>
      <h1>Groups</h1>
      <form class="filters" onSubmit={(event) => event.preventDefault()} role="search" aria-label="Filter the groups">
        <div>
          <label for="group-search">Name starts with</label>
          <input id="group-search" type="search" value={search} onInput={(event) => (setSearch(event.currentTarget.value), pager.reset())} />
        </div>
        <div>
          <label for="group-origin">Origin</label>
          <select id="group-origin" value={origin} onChange={(event) => (setOrigin(event.currentTarget.value), pager.reset())}>
            <option value="">Any</option>
            <option value="IDP">The identity provider</option>
            <option value="POLICY">A policy</option>
            <option value="LOCAL">Local</option>
          </select>
        </div>
      </form>
      <ErrorMessage error={error} />
      {!data && !error ? <Loading what="groups" /> : null}
      {data ? (
        <>
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">Groups in name order</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Origin</th>
                  <th scope="col" class="number">Members</th>
                </tr>
              </thead>
              <tbody>
                {data.groups.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <th scope="row">
                      <a href={`#/groups/${node.id}`}>{node.name}</a>
                    </th>
                    <td>{node.origin.toLowerCase()}</td>
                    <td class="number">{node.memberCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pager={pager} pageInfo={data.groups.pageInfo} total={data.groups.totalCount} shown={data.groups.edges.length} noun="groups" />
        </>
      ) : null}
    </main>
  );
}

const GROUP = `query ($id: ID!, $after: String) {
  group(id: $id) { id name origin members(first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id userName displayName active } } } }
}`;

export function GroupPage({ id }: { id: string }) {
  const pager = usePager();
  const { data, error } = useQuery<{
    group: { id: string; name: string; origin: string; members: { totalCount: number; pageInfo: PageInfo; edges: Array<{ node: { id: string; userName: string; displayName: string | null; active: boolean } }> } } | null;
  }>(GROUP, { id, after: pager.after });
  if (error) return <main><ErrorMessage error={error} /></main>;
  if (!data) return <main><Loading what="the group" /></main>;
  const { group } = data;
  if (!group) return <main><h1>No such group</h1></main>;
  return (
    <main>
      <p class="breadcrumb">
        <a href="#/groups">Groups</a> /
      </p>
      <h1>{group.name}</h1>
      <p>Origin: {group.origin.toLowerCase()}.</p>
      <ul>
        {group.members.edges.map(({ node }) => (
          <li key={node.id}>
            <a href={`#/users/${node.id}`}>{node.userName}</a> {node.displayName ? <span class="muted">{node.displayName}</span> : null} {node.active ? null : <span class="muted">(disabled)</span>}
          </li>
        ))}
      </ul>
      <Pager pager={pager} pageInfo={group.members.pageInfo} total={group.members.totalCount} shown={group.members.edges.length} noun="members" />
    </main>
  );
}
