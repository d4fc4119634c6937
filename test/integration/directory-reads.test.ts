import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { caseKey, newId } from '../../src/db/columns';
import { UserEntity } from '../../src/db/entities';
import { localUser } from '../support/directory';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { fullSyncsSettled, graphql, GraphQLAnswer, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';
import { StatementLog } from '../support/statement-log';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Synced users: user-000 … user-109; every one in staff, the even ones in team-a, the first ten in team-b. */
const SYNCED = 110;
/** Of them, these two the IdP says are inactive. */
const INACTIVE = ['user-100@contoso.example', 'user-101@contoso.example'];
/** Local users; user-050 has a namesake in the connector's directory. */
const LOCAL = ['adele@local.example', 'user-050@contoso.example'];

const USERS = `query ($connectorId: ID, $search: String, $active: Boolean, $group: String, $first: Int, $after: String) {
  users(connectorId: $connectorId, search: $search, active: $active, group: $group, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id userName directoryId active } }
  }
}`;

interface UserNode {
  id: string;
  userName: string;
  directoryId: string;
  active: boolean;
}

for (const kind of databaseKinds()) {
  describe(`directory reads over GraphQL on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };
    const log = new StatementLog();
    const query = async (text: string, variables: Record<string, unknown> = {}) => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, text, variables);
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      return answer.data;
    };
    /** Every user the filters select, page by page, with the totalCount of each page. */
    const allUsers = async (variables: Record<string, unknown>, first: number) => {
      const nodes: UserNode[] = [];
      const totals = new Set<number>();
      let cursor: string | null = null;
      for (let page = 0; page < 100; page += 1) {
        const { users } = await query(USERS, { ...variables, first, after: cursor });
        totals.add(users.totalCount);
        nodes.push(...users.edges.map((edge: { node: UserNode }) => edge.node));
        if (!users.pageInfo.hasNextPage) break;
        cursor = users.pageInfo.endCursor;
      }
      assert.equal(totals.size, 1, 'every page counts the same total');
      return { nodes, total: [...totals][0] };
    };

    before(async () => {
      server = await startTestServer(kind, { logger: log });
      connector = await createConnector(server.url, 'reads');
      const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
      const ids: string[] = [];
      for (let index = 0; index < SYNCED; index += 1) {
        const userName = `user-${String(index).padStart(3, '0')}@contoso.example`;
        // Letter case varies: the order and the search must not care.
        const sent = index % 3 === 0 ? userName.toUpperCase() : userName;
        const reply = await send('POST', '/Users', {
          userName: sent,
          active: !INACTIVE.includes(userName),
          displayName: `User ${index}`,
          emails: [{ type: 'work', value: userName, primary: true }],
        });
        assert.equal(reply.status, 201, reply.text);
        ids.push(reply.json.id);
      }
      const members: Record<string, string[]> = {
        staff: ids,
        'team-a': ids.filter((_, index) => index % 2 === 0),
        'team-b': ids.slice(0, 10),
      };
      for (const [displayName, memberIds] of Object.entries(members)) {
        const group = await send('POST', '/Groups', { displayName });
        const patch = await send('PATCH', `/Groups/${group.json.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Add', path: 'members', value: memberIds.map((value) => ({ value })) }],
        });
        assert.ok(patch.status < 300, patch.text);
      }
      await query('mutation ($id: ID!) { updateGroupPolicy(connectorId: $id, input: { alwaysAssign: ["everyone"] }) { id } }', { id: connector.id });
      // SCIM writes made the users; the full sync the policy change starts gives them "everyone".
      await fullSyncsSettled(server, connector.id);
      // Nothing left to write in the background while statements are counted.
      await server.services.syncCycles.flush();
      const now = new Date();
      for (const userName of LOCAL) {
        await server.dataSource.getRepository(UserEntity).insert(localUser(userName, now, { email: userName }));
      }
    });
    after(() => server.close());

    it('when every directory is listed page by page, then each user comes once, in userName order regardless of case, local users included', async () => {
      const { nodes, total } = await allUsers({}, 7);
      assert.equal(total, SYNCED + LOCAL.length);
      assert.equal(nodes.length, total);
      assert.equal(new Set(nodes.map((node) => node.id)).size, total);
      const keys = nodes.map((node) => [caseKey(node.userName), node.directoryId].join(' '));
      assert.deepEqual(keys, [...keys].sort());
      assert.equal(nodes.filter((node) => caseKey(node.userName) === 'user-050@contoso.example').length, 2);
      assert.equal(caseKey(nodes[0].userName), 'adele@local.example');
    });

    it('when the filters are given, then only the users they select are listed and counted', async () => {
      const count = async (variables: Record<string, unknown>) => (await allUsers(variables, 4)).total;
      assert.equal(await count({ connectorId: connector.id }), SYNCED);
      assert.equal(await count({ search: 'USER-00' }), 10);
      assert.equal(await count({ search: ' user-05' }), 11, 'the local namesake of user-050 too');
      assert.equal(await count({ search: 'user-05', connectorId: connector.id }), 10);
      assert.equal(await count({ search: 'ser-0' }), 0, 'a prefix, not a substring');
      assert.equal(await count({ search: '100%' }), 0, 'LIKE wildcards are plain characters');
      assert.equal(await count({ active: false }), INACTIVE.length);
      assert.equal(await count({ active: true, connectorId: connector.id }), SYNCED - INACTIVE.length);
      assert.equal(await count({ group: 'TEAM-B' }), 10);
      assert.equal(await count({ group: 'no-such-group' }), 0);
      const combined = await allUsers({ connectorId: connector.id, search: 'user-0', group: 'team-a', active: true }, 6);
      assert.equal(combined.total, 50);
      assert.ok(combined.nodes.every((node) => /^user-0\d[02468]@/i.test(node.userName) && node.active));
    });

    it('when a user is read with its groups, memberships and IdP resource, then they are what the sync made and the IdP wrote', async () => {
      const USER = `query ($search: String) {
        users(search: $search) { edges { node { userName displayName email active disabledReason groups { name } memberships { managedBy group { name } } idpResource } } }
      }`;
      const synced = (await query(USER, { search: 'user-000' })).users.edges.map((edge: { node: unknown }) => edge.node);
      assert.equal(synced.length, 1);
      const [user] = synced;
      assert.deepEqual(user.groups.map((group: { name: string }) => group.name), ['everyone', 'staff', 'team-a', 'team-b']);
      const managedBy = Object.fromEntries(user.memberships.map((membership: { managedBy: string; group: { name: string } }) => [membership.group.name, membership.managedBy]));
      assert.deepEqual(managedBy, { everyone: 'POLICY', staff: 'IDP', 'team-a': 'IDP', 'team-b': 'IDP' });
      assert.equal(user.idpResource.userName, 'USER-000@CONTOSO.EXAMPLE');
      assert.equal(user.idpResource.emails[0].value, 'user-000@contoso.example');
      const [inactive] = (await query(USER, { search: INACTIVE[0] })).users.edges.map((edge: { node: unknown }) => edge.node);
      assert.deepEqual([inactive.active, inactive.disabledReason], [false, 'IDP']);
      const [local] = (await query(USER, { search: 'adele' })).users.edges.map((edge: { node: unknown }) => edge.node);
      assert.deepEqual([local.idpResource, local.groups, local.memberships], [null, [], []]);
    });

    it('when a page of 100 users is read with groups, memberships and IdP resources, then it takes as many statements as a page of 10', async () => {
      const PAGE = `query ($id: ID!, $first: Int) {
        users(connectorId: $id, first: $first) {
          totalCount edges { node { id userName groups { id name } memberships { managedBy group { name } } idpResource } }
        }
      }`;
      const reads = async (first: number) => {
        let answer: GraphQLAnswer | undefined;
        const statements = await log.during(async () => {
          answer = await graphql(server.url, TEST_ADMIN_TOKEN, PAGE, { id: connector.id, first });
        });
        assert.equal(answer?.errors, undefined, JSON.stringify(answer?.errors));
        assert.equal(answer?.data.users.edges.length, first);
        assert.ok(answer?.data.users.edges.every((edge: { node: { groups: unknown[]; idpResource: unknown } }) => edge.node.groups.length > 0 && edge.node.idpResource));
        // SCIM's provisioning log may flush in the background; only this request's reads count.
        return statements.filter((sql) => /^\s*SELECT/i.test(sql) && !/provisioning_events/.test(sql));
      };
      const ten = await reads(10);
      const hundred = await reads(100);
      assert.equal(hundred.length, ten.length, hundred.join('\n'));
      // The connector, the count, the page, then one statement each for memberships, groups and IdP resources.
      assert.equal(hundred.length, 6, hundred.join('\n'));
    });

    it('when groups are listed, then they come by name, searched by a prefix and filtered by origin', async () => {
      const GROUPS = `query ($search: String, $origin: GroupOrigin, $first: Int, $after: String) {
        groups(search: $search, origin: $origin, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name origin } } }
      }`;
      const names: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page += 1) {
        const { groups } = await query(GROUPS, { first: 2, after });
        assert.equal(groups.totalCount, 4);
        names.push(...groups.edges.map((edge: { node: { name: string } }) => edge.node.name));
        if (!groups.pageInfo.hasNextPage) break;
        after = groups.pageInfo.endCursor;
      }
      assert.deepEqual(names, ['everyone', 'staff', 'team-a', 'team-b']);
      const teams = (await query(GROUPS, { search: 'TEAM' })).groups;
      assert.deepEqual([teams.totalCount, teams.edges.map((edge: { node: { name: string } }) => edge.node.name)], [2, ['team-a', 'team-b']]);
      const policy = (await query(GROUPS, { origin: 'POLICY' })).groups;
      assert.deepEqual(policy.edges.map((edge: { node: { name: string; origin: string } }) => [edge.node.name, edge.node.origin]), [['everyone', 'POLICY']]);
    });

    it('when a group’s members are read page by page, then each member comes once and totalCount counts them', async () => {
      const [teamA] = (await query('{ groups(search: "team-a") { edges { node { id } } } }')).groups.edges;
      const MEMBERS = `query ($id: ID!, $after: String) {
        group(id: $id) { name origin members(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id userName } } } }
      }`;
      const ids: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page += 1) {
        const { group } = await query(MEMBERS, { id: teamA.node.id, after });
        assert.deepEqual([group.name, group.origin, group.members.totalCount], ['team-a', 'IDP', SYNCED / 2]);
        ids.push(...group.members.edges.map((edge: { node: { id: string } }) => edge.node.id));
        if (!group.members.pageInfo.hasNextPage) break;
        after = group.members.pageInfo.endCursor;
      }
      assert.equal(ids.length, SYNCED / 2);
      assert.equal(new Set(ids).size, SYNCED / 2);
      assert.equal((await query('query ($id: ID!) { group(id: $id) { id } }', { id: newId() })).group, null);
    });

    it('when an argument is wrong, then the error names it; an unknown connector is NOT_FOUND', async () => {
      const errorOf = async (variables: Record<string, unknown>) => (await graphql(server.url, TEST_ADMIN_TOKEN, USERS, variables)).errors?.[0].extensions;
      assert.deepEqual(await errorOf({ first: 201 }), { code: 'BAD_USER_INPUT', field: 'first' });
      assert.deepEqual(await errorOf({ after: 'not-a-cursor' }), { code: 'BAD_USER_INPUT', field: 'after' });
      assert.deepEqual(await errorOf({ search: 'x'.repeat(256) }), { code: 'BAD_USER_INPUT', field: 'search' });
      assert.deepEqual(await errorOf({ connectorId: newId() }), { code: 'NOT_FOUND' });
    });
  });
}
