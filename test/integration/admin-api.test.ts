import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { DEFAULT_SYNC_LEASE_SECONDS } from '../../src/config';
import { AuditEventEntity } from '../../src/db/entities';
import type { RequestContext } from '../../src/domain/context';
import type { DomainError } from '../../src/domain/errors';
import { createServices, Services } from '../../src/domain/services';
import { scimPathReader } from '../../src/scim/path-reader';
import { databaseKinds } from '../support/databases';
import { StatementLog } from '../support/statement-log';
import { createConnector, scim } from '../support/scim-client';
import { graphql, GraphQLAnswer, issueReaderToken, openTestDatabase, startTestServer, TEST_ADMIN_TOKEN, TestDatabase, TestServer } from '../support/server';

const user = (userName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true });
const group = (displayName: string, members: string[]) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  displayName,
  members: members.map((value) => ({ value })),
});

/**
 * A read the request made itself: the SCIM provisioning log and the incremental sync cycles
 * (which lock their connector row to note its memory, and look for their running cycle) may
 * flush in the background while it runs.
 */
function isOwnRead(sql: string): boolean {
  return /^\s*SELECT/i.test(sql) && !/provisioning_events|kind = 'INCREMENTAL'|SELECT logFreeMemory FROM connectors/.test(sql);
}

for (const kind of databaseKinds()) {
  describe(`the admin API on ${kind}`, () => {
    let server: TestServer;
    let readerToken: string;
    const log = new StatementLog();

    before(async () => {
      server = await startTestServer(kind, { logger: log });
      readerToken = await issueReaderToken(server);
    });
    after(() => server.close());

    async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, token = TEST_ADMIN_TOKEN): Promise<T> {
      const answer = await graphql<T>(server.url, token, query, variables);
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      return answer.data!;
    }

    /** A connector with users alice, bob (inactive) and carol, and an IdP group of alice and bob. */
    async function provisioned(name: string) {
      const connector = await createConnector(server.url, name);
      const ids: string[] = [];
      for (const userName of ['alice', 'bob', 'carol']) {
        const created = await scim(connector.baseUrl, connector.token, 'POST', '/Users', { ...user(`${userName}@${name}.test`), active: userName !== 'bob' });
        assert.equal(created.status, 201, created.text);
        ids.push(created.json.id);
      }
      assert.equal((await scim(connector.baseUrl, connector.token, 'POST', '/Groups', group(`${name}-staff`, ids.slice(0, 2)))).status, 201);
      return connector;
    }

    it('when the directories are listed, then the local one comes first, then each connector’s by name', async () => {
      await createConnector(server.url, 'zeta');
      const renamed = await createConnector(server.url, 'before');
      await ok('mutation ($id: ID!) { updateConnector(id: $id, input: { name: "alpha" }) { id } }', { id: renamed.id });
      const { directories } = await ok('{ directories { id kind name } }');
      assert.equal(directories[0].kind, 'LOCAL');
      const names = directories.slice(1).map((directory: { name: string }) => directory.name);
      assert.deepEqual(names, [...names].sort());
      assert.ok(names.includes('alpha') && names.includes('zeta'));
      const { connectors } = await ok('{ connectors { name directoryId } }');
      for (const connector of connectors) assert.ok(directories.some((directory: { id: string; name: string }) => directory.id === connector.directoryId && directory.name === connector.name));
    });

    it('when a token asks who it is, then viewer answers its name and role', async () => {
      assert.deepEqual((await ok('{ viewer { name role } }')).viewer, { name: 'ADMIN_TOKEN', role: 'ADMIN' });
      assert.deepEqual((await ok('{ viewer { name role } }', {}, readerToken)).viewer, { name: 'dashboard', role: 'READER' });
    });

    it('when an admin creates a reader token, then it reads, is refused mutations, is listed without its secret, and stops working once revoked', async () => {
      const { createAdminToken } = await ok('mutation { createAdminToken(name: " ci reader ", role: READER) { token adminToken { id name role prefix revokedAt } } }');
      assert.equal(createAdminToken.adminToken.name, 'ci reader');
      assert.equal(createAdminToken.adminToken.role, 'READER');
      assert.ok(createAdminToken.token.startsWith(createAdminToken.adminToken.prefix));
      assert.deepEqual((await ok('{ viewer { name role } }', {}, createAdminToken.token)).viewer, { name: 'ci reader', role: 'READER' });
      const refused = await graphql(server.url, createAdminToken.token, 'mutation { createGroup(name: "not by a reader") { id } }');
      assert.equal(refused.errors?.[0].extensions?.code, 'FORBIDDEN');

      const listed = (await ok('{ adminTokens { id name role prefix createdAt lastUsedAt revokedAt } }')).adminTokens;
      const mine = listed.find((token: { id: string }) => token.id === createAdminToken.adminToken.id);
      assert.equal(mine.prefix, createAdminToken.adminToken.prefix);
      assert.ok(mine.lastUsedAt, 'its use was recorded');
      assert.ok(!JSON.stringify(listed).includes(createAdminToken.token.slice(12)), 'no secret is listed');

      const duplicate = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation { createAdminToken(name: "CI reader", role: ADMIN) { token } }');
      assert.equal(duplicate.errors, undefined, 'names differ in case: two tokens');
      const taken = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation { createAdminToken(name: "ci reader", role: ADMIN) { token } }');
      assert.equal(taken.errors?.[0].extensions?.code, 'CONFLICT');
      assert.equal(taken.errors?.[0].extensions?.field, 'name');

      const { revokeAdminToken } = await ok('mutation ($id: ID!) { revokeAdminToken(id: $id) { revokedAt } }', { id: createAdminToken.adminToken.id });
      assert.ok(revokeAdminToken.revokedAt);
      const afterwards = await graphql(server.url, createAdminToken.token, '{ viewer { name } }');
      assert.equal(afterwards.errors?.[0].extensions?.code, 'UNAUTHENTICATED');
      const events = await server.dataSource.getRepository(AuditEventEntity).findBy({ targetType: 'AdminToken', targetId: createAdminToken.adminToken.id });
      assert.deepEqual(events.map((event) => event.action).sort(), ['adminToken.create', 'adminToken.revoke']);
    });

    it('when an unknown admin token is revoked, then NOT_FOUND', async () => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation { revokeAdminToken(id: "nope") { id } }');
      assert.equal(answer.errors?.[0].extensions?.code, 'NOT_FOUND');
    });

    it('when connectors are listed, then each has its directory’s counts and its newest sync run', async () => {
      const connector = await provisioned('stats');
      const before = (await ok('query ($id: ID!) { connector(id: $id) { stats { users activeUsers groups memberships } lastSync { kind status } } }', { id: connector.id })).connector;
      assert.deepEqual(before.stats, { users: 3, activeUsers: 2, groups: 1, memberships: 2 });
      const full = (await ok('mutation ($id: ID!) { runSync(connectorId: $id, wait: true) { status usersProcessed usersTotal } }', { id: connector.id })).runSync;
      assert.deepEqual(full, { status: 'SUCCEEDED', usersProcessed: 3, usersTotal: 3 });
      await scim(connector.baseUrl, connector.token, 'DELETE', `/Users/${(await scim(connector.baseUrl, connector.token, 'GET', '/Users?filter=userName eq "carol@stats.test"')).json.Resources[0].id}`);
      const preview = (await ok('mutation ($id: ID!) { runSync(connectorId: $id, dryRun: true, wait: true) { status usersProcessed usersTotal } }', { id: connector.id })).runSync;
      assert.deepEqual(preview, { status: 'SUCCEEDED', usersProcessed: 3, usersTotal: 3 }, 'the IdP holds two, and the directory keeps the deleted user (disabled)');
      await server.services.syncCycles.flush();
      const cycle = (await ok('query ($id: ID!) { connector(id: $id) { syncRuns(first: 5) { edges { node { kind usersProcessed usersTotal } } } } }', { id: connector.id })).connector.syncRuns.edges
        .map((edge: { node: unknown }) => edge.node)
        .find((run: { kind: string }) => run.kind === 'INCREMENTAL');
      assert.deepEqual(cycle, { kind: 'INCREMENTAL', usersProcessed: 0, usersTotal: null });
      const { connectors } = await ok('{ connectors { id stats { users } lastSync { kind status finishedAt } } }');
      const listed = connectors.find((candidate: { id: string }) => candidate.id === connector.id);
      assert.equal(listed.stats.users, 3);
      assert.equal(listed.lastSync.kind, 'FULL', 'a preview is not the last sync');
      assert.equal(listed.lastSync.status, 'SUCCEEDED');
    });

    it('when connectors are listed with their stats, last sync, tokens and settings, then two take as many statements as six', async () => {
      const LIST = `{ connectors {
        id stats { users groups } lastSync { status } tokens { prefix } groupPolicy { onlyAssign } attributeMappings { target }
        syncRuns(first: 3) { totalCount edges { node { id log(first: 2) { totalCount edges { node { message } } } } } }
      } }`;
      const reads = async () => {
        let answer: GraphQLAnswer | undefined;
        const statements = await log.during(async () => {
          answer = await graphql(server.url, TEST_ADMIN_TOKEN, LIST);
        });
        assert.equal(answer?.errors, undefined, JSON.stringify(answer?.errors));
        return { count: answer!.data.connectors.length, reads: statements.filter(isOwnRead) };
      };
      const synced = await provisioned('listed');
      await ok('mutation ($id: ID!) { runSync(connectorId: $id, wait: true) { status } }', { id: synced.id });
      const first = await reads();
      for (let i = 0; i < 4; i += 1) await provisioned(`many-${i}`);
      const second = await reads();
      assert.ok(second.count >= first.count + 4);
      assert.equal(second.reads.length, first.reads.length, second.reads.join('\n'));
    });

    it('when groups are listed with a page of members each, then one group takes as many statements as six', async () => {
      const LIST = `query ($search: String) { groups(search: $search, first: 50) { edges { node { name memberCount members(first: 2) { totalCount edges { node { userName } } } } } } }`;
      const reads = async (search: string) => {
        let answer: GraphQLAnswer | undefined;
        const statements = await log.during(async () => {
          answer = await graphql(server.url, TEST_ADMIN_TOKEN, LIST, { search });
        });
        assert.equal(answer?.errors, undefined, JSON.stringify(answer?.errors));
        return { groups: answer!.data.groups.edges.map((edge: { node: unknown }) => edge.node), reads: statements.filter(isOwnRead) };
      };
      for (let i = 0; i < 6; i += 1) await provisioned(`paged-${i}`);
      const two = await reads('paged-');
      assert.equal(two.groups.length, 6);
      for (const group of two.groups) {
        assert.equal(group.memberCount, 2);
        assert.equal(group.members.totalCount, 2);
        assert.equal(group.members.edges.length, 2);
      }
      const one = await reads('paged-1');
      assert.equal(one.groups.length, 1);
      assert.equal(one.reads.length, two.reads.length, two.reads.join('\n'));
    });

    it('when a connector token is revoked, then the SCIM endpoint refuses it at once and the connector lists it as ended', async () => {
      const connector = await createConnector(server.url, 'revoking');
      const { rotateConnectorToken } = await ok('mutation ($id: ID!) { rotateConnectorToken(connectorId: $id, graceSeconds: 3600) { token } }', { id: connector.id });
      const { tokens } = (await ok('query ($id: ID!) { connector(id: $id) { tokens { id prefix live expiresAt } } }', { id: connector.id })).connector;
      assert.equal(tokens.length, 2);
      assert.ok(rotateConnectorToken.token.startsWith(tokens[0].prefix), 'newest first');
      assert.deepEqual(tokens.map((token: { live: boolean }) => token.live), [true, true], 'the older one is in its grace period');
      assert.equal((await scim(connector.baseUrl, connector.token, 'GET', '/Users')).status, 200);

      const revoked = (await ok('mutation ($c: ID!, $t: ID!) { revokeConnectorToken(connectorId: $c, tokenId: $t) { live } }', { c: connector.id, t: tokens[1].id })).revokeConnectorToken;
      assert.equal(revoked.live, false);
      assert.equal((await scim(connector.baseUrl, connector.token, 'GET', '/Users')).status, 401);
      assert.equal((await scim(connector.baseUrl, rotateConnectorToken.token, 'GET', '/Users')).status, 200);
      const other = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($c: ID!, $t: ID!) { revokeConnectorToken(connectorId: $c, tokenId: $t) { live } }', {
        c: (await createConnector(server.url, 'someone else')).id,
        t: tokens[0].id,
      });
      assert.equal(other.errors?.[0].extensions?.code, 'NOT_FOUND', 'a token is revoked through its own connector only');
    });

    it('when a connector is deleted with the wrong confirmation, then BAD_USER_INPUT names confirmName and nothing goes', async () => {
      const connector = await provisioned('kept');
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($id: ID!) { deleteConnector(id: $id, confirmName: "Kept") { id } }', { id: connector.id });
      assert.equal(answer.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
      assert.equal(answer.errors?.[0].extensions?.field, 'confirmName');
      assert.equal((await ok('query ($id: ID!) { connector(id: $id) { enabled stats { users } } }', { id: connector.id })).connector.stats.users, 3);
      assert.equal((await scim(connector.baseUrl, connector.token, 'GET', '/Users')).status, 200);
    });

    it('when a connector is deleted, then its directory, IdP layer and tokens go, local groups and the audit trail stay', async () => {
      const connector = await provisioned('doomed');
      const local = (await ok('mutation { createGroup(name: "doomed-local") { id } }')).createGroup;
      const { users } = await ok('query ($id: ID!) { users(connectorId: $id) { edges { node { id } } } }', { id: connector.id });
      await ok('mutation ($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { warning } }', { g: local.id, u: users.edges[0].node.id });
      const copier = await createConnector(server.url, 'copier');
      const [{ directoryId }] = await server.dataSource.query('SELECT directoryId FROM connectors WHERE id = ?', [connector.id]);
      await ok('mutation ($id: ID!, $dir: ID!) { updateConnector(id: $id, input: { copyBehaviour: { enabled: true, sourceDirectoryIds: [$dir], memberships: true, lastLogin: false, properties: false } }) { id } }', {
        id: copier.id,
        dir: directoryId,
      });
      const refused = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($id: ID!) { deleteConnector(id: $id, confirmName: "doomed") { id } }', { id: connector.id });
      assert.equal(refused.errors?.[0].extensions?.code, 'CONFLICT', 'another connector copies from its directory');
      assert.match(refused.errors![0].message, /"copier"/);
      await ok('mutation ($id: ID!) { updateConnector(id: $id, input: { copyBehaviour: { enabled: false, sourceDirectoryIds: [], memberships: true, lastLogin: false, properties: false } }) { id } }', {
        id: copier.id,
      });

      const { deleteConnector } = await ok('mutation ($id: ID!) { deleteConnector(id: $id, confirmName: "doomed") { id name } }', { id: connector.id });
      assert.deepEqual(deleteConnector, { id: connector.id, name: 'doomed' });
      assert.equal((await ok('query ($id: ID!) { connector(id: $id) { id } }', { id: connector.id })).connector, null);
      assert.notEqual((await scim(connector.baseUrl, connector.token, 'GET', '/Users')).status, 200);
      const left = async (sql: string) => Number((await server.dataSource.query(sql, [connector.id]))[0].n);
      assert.equal(await left('SELECT COUNT(*) AS n FROM idp_users WHERE connectorId = ?'), 0);
      assert.equal(await left('SELECT COUNT(*) AS n FROM idp_groups WHERE connectorId = ?'), 0);
      assert.equal(await left('SELECT COUNT(*) AS n FROM connector_tokens WHERE connectorId = ?'), 0);
      assert.equal(Number((await server.dataSource.query('SELECT COUNT(*) AS n FROM users WHERE directoryId = ?', [directoryId]))[0].n), 0);
      assert.equal(Number((await server.dataSource.query('SELECT COUNT(*) AS n FROM directories WHERE id = ?', [directoryId]))[0].n), 0);
      const localGroup = (await ok('query ($id: ID!) { group(id: $id) { name members { totalCount } } }', { id: local.id })).group;
      assert.deepEqual(localGroup, { name: 'doomed-local', members: { totalCount: 0 } });
      const trail = (await ok('query ($id: ID!) { auditEvents(targetType: "Connector", targetId: $id) { edges { node { action actor before } } } }', { id: connector.id })).auditEvents;
      assert.equal(trail.edges[0].node.action, 'connector.delete');
      assert.equal(trail.edges[0].node.actor, 'ADMIN_TOKEN');
      assert.equal(trail.edges[0].node.before.name, 'doomed');
    });

    it('when a local group is deleted, then it goes with its memberships; a group from the IdP is refused with CONFLICT', async () => {
      const connector = await provisioned('grouped');
      const local = (await ok('mutation { createGroup(name: "grouped-local") { id } }')).createGroup;
      const { users } = await ok('query ($id: ID!) { users(connectorId: $id) { edges { node { id } } } }', { id: connector.id });
      await ok('mutation ($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { warning } }', { g: local.id, u: users.edges[0].node.id });
      assert.deepEqual((await ok('mutation ($id: ID!) { deleteGroup(id: $id) { name origin } }', { id: local.id })).deleteGroup, { name: 'grouped-local', origin: 'LOCAL' });
      assert.equal((await ok('query ($id: ID!) { group(id: $id) { id } }', { id: local.id })).group, null);
      assert.equal(Number((await server.dataSource.query('SELECT COUNT(*) AS n FROM memberships WHERE groupId = ?', [local.id]))[0].n), 0);

      const idpGroup = (await ok('{ groups(search: "grouped-staff") { edges { node { id origin } } } }')).groups.edges[0].node;
      assert.equal(idpGroup.origin, 'IDP');
      const refused = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($id: ID!) { deleteGroup(id: $id) { id } }', { id: idpGroup.id });
      assert.equal(refused.errors?.[0].extensions?.code, 'CONFLICT');
      assert.equal((await ok('query ($id: ID!) { group(id: $id) { members { totalCount } } }', { id: idpGroup.id })).group.members.totalCount, 2);
    });

    it('when memberships are read, then they page by group and user, and each filter narrows them', async () => {
      const connector = await provisioned('members');
      const local = (await ok('mutation { createGroup(name: "members-local") { id } }')).createGroup;
      const { users } = await ok('query ($id: ID!) { users(connectorId: $id) { edges { node { id userName } } } }', { id: connector.id });
      const carol = users.edges.find((edge: { node: { userName: string } }) => edge.node.userName.startsWith('carol')).node;
      await ok('mutation ($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { warning } }', { g: local.id, u: carol.id });
      const PAGE = `query ($id: ID, $group: ID, $user: ID, $by: MembershipSource, $first: Int, $after: String) {
        memberships(connectorId: $id, groupId: $group, userId: $user, managedBy: $by, first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { managedBy user { userName } group { id name } } }
        }
      }`;
      const all: Array<{ managedBy: string; user: { userName: string }; group: { id: string; name: string } }> = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page += 1) {
        const { memberships }: { memberships: any } = await ok(PAGE, { id: connector.id, first: 1, after });
        assert.equal(memberships.totalCount, 3);
        all.push(...memberships.edges.map((edge: { node: (typeof all)[number] }) => edge.node));
        if (!memberships.pageInfo.hasNextPage) break;
        after = memberships.pageInfo.endCursor;
      }
      assert.deepEqual(
        all.map((membership) => `${membership.user.userName} ${membership.group.name} ${membership.managedBy}`).sort(),
        ['alice@members.test members-staff IDP', 'bob@members.test members-staff IDP', 'carol@members.test members-local LOCAL'],
      );
      assert.deepEqual(all.map((membership) => membership.group.id), [...all.map((membership) => membership.group.id)].sort(), 'by group');
      const count = async (variables: Record<string, unknown>) => (await ok(PAGE, variables)).memberships.totalCount;
      assert.equal(await count({ id: connector.id, by: 'LOCAL' }), 1);
      assert.equal(await count({ group: local.id }), 1);
      assert.equal(await count({ user: carol.id }), 1);
      assert.equal(await count({ id: connector.id, group: all.find((membership) => membership.managedBy === 'IDP')!.group.id }), 2);
    });

    it('when the audit trail is paged, then events come newest first, each once, and a filter narrows them to one target', async () => {
      const names = ['audit-a', 'audit-b', 'audit-c'];
      const ids: string[] = [];
      for (const name of names) ids.push((await ok('mutation ($name: String!) { createGroup(name: $name) { id } }', { name })).createGroup.id);
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 100; page += 1) {
        const { auditEvents }: { auditEvents: any } = await ok('query ($after: String) { auditEvents(targetType: "Group", first: 2, after: $after) { totalCount edges { node { id action targetId } } pageInfo { hasNextPage endCursor } } }', { after });
        seen.push(...auditEvents.edges.map((edge: { node: { id: string } }) => edge.node.id));
        if (!auditEvents.pageInfo.hasNextPage) {
          assert.equal(seen.length, auditEvents.totalCount);
          break;
        }
        after = auditEvents.pageInfo.endCursor;
      }
      assert.equal(new Set(seen).size, seen.length, 'no event twice');
      assert.deepEqual([...seen].sort((a, b) => Number(b) - Number(a)), seen, 'newest first');
      const one = (await ok('query ($id: ID!) { auditEvents(targetType: "Group", targetId: $id) { totalCount edges { node { action after } } } }', { id: ids[1] })).auditEvents;
      assert.equal(one.totalCount, 1);
      assert.deepEqual(one.edges[0].node, { action: 'group.create', after: { name: 'audit-b', origin: 'LOCAL' } });
      const bad = await graphql(server.url, TEST_ADMIN_TOKEN, '{ auditEvents(targetId: "x") { totalCount } }');
      assert.equal(bad.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
      assert.equal(bad.errors?.[0].extensions?.field, 'targetId');
    });
  });
}

for (const kind of databaseKinds()) {
  describe(`admin tokens without a configured ADMIN_TOKEN, on ${kind}`, () => {
    let database: TestDatabase;
    let services: Services;
    const admin: RequestContext = { requestId: 't', actor: { kind: 'admin', tokenId: null, name: 'tester', role: 'ADMIN' } };

    before(async () => {
      database = await openTestDatabase(kind);
      services = createServices(database.dataSource, { adminToken: undefined, syncLeaseSeconds: DEFAULT_SYNC_LEASE_SECONDS, pathReader: scimPathReader }, pino({ level: 'silent' }));
    });
    after(async () => {
      await services.close();
      await database.close();
    });

    it('when the last live ADMIN token would be revoked, then CONFLICT, and it keeps working; with a second one, it can go', async () => {
      const initial = await services.adminTokens.ensureInitialToken();
      assert.ok(initial);
      const [first] = await services.adminTokens.list(admin);
      const reader = await services.adminTokens.create(admin, 'reader', 'READER');
      await assert.rejects(services.adminTokens.revoke(admin, first.id), (error: DomainError) => error.code === 'CONFLICT');
      assert.ok(await services.adminTokens.authenticate(initial));
      await services.adminTokens.revoke(admin, reader.adminToken.id);
      await services.adminTokens.create(admin, 'second admin', 'ADMIN');
      await services.adminTokens.revoke(admin, first.id);
      assert.equal(await services.adminTokens.authenticate(initial), null);
    });
  });
}
