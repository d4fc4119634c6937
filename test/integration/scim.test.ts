import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectorEntity, IdpUserEntity, ProvisioningEventEntity } from '../../src/db/entities';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { startTestServer, TestServer } from '../support/server';
import { StatementLog } from '../support/statement-log';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function entraUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId: userName.split('@')[0],
    userName,
    active: true,
    name: { givenName: userName.split('.')[0], familyName: 'Test' },
    emails: [{ primary: true, type: 'work', value: userName }],
    displayName: userName,
    [ENTERPRISE]: { department: 'Retail' },
    ...extra,
  };
}

for (const kind of databaseKinds()) {
  describe(`SCIM endpoint on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };
    const send = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      scim(connector.baseUrl, connector.token, method, path, body, headers);
    const createUser = async (userName: string, extra: Record<string, unknown> = {}) => {
      const reply = await send('POST', '/Users', entraUser(userName, extra));
      assert.equal(reply.status, 201, reply.text);
      return reply.json as { id: string; meta: { version: string } };
    };

    before(async () => {
      server = await startTestServer(kind);
      connector = await createConnector(server.url);
    });
    after(() => server.close());

    describe('authentication', () => {
      it('when no token, a wrong token or another connector’s token is sent, then 401 in SCIM form', async () => {
        const other = await createConnector(server.url, 'Other');
        for (const token of [null, 'scim_wrong', other.token]) {
          const reply = await scim(connector.baseUrl, token, 'GET', '/Users');
          assert.equal(reply.status, 401);
          assert.deepEqual(reply.json.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
          assert.equal(reply.json.status, '401');
          assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer/);
        }
      });

      it('when a connector id does not exist, then 401, not 404 (ids are not revealed)', async () => {
        const reply = await scim(`${server.url}/scim/v2/00000000-0000-0000-0000-00000000abcd`, connector.token, 'GET', '/Users');
        assert.equal(reply.status, 401);
      });

      it('when the connector is disabled, then 403; enabled again, then 200', async () => {
        const other = await createConnector(server.url, 'Disabled');
        await server.dataSource.getRepository(ConnectorEntity).update({ id: other.id }, { enabled: false });
        assert.equal((await scim(other.baseUrl, other.token, 'GET', '/Users')).status, 403);
        await server.dataSource.getRepository(ConnectorEntity).update({ id: other.id }, { enabled: true });
        assert.equal((await scim(other.baseUrl, other.token, 'GET', '/Users')).status, 200);
      });

      it('when two connectors hold users of one userName, then each sees only its own', async () => {
        const other = await createConnector(server.url, 'Isolated');
        await createUser('shared.name@contoso.example');
        const created = await scim(other.baseUrl, other.token, 'POST', '/Users', entraUser('shared.name@contoso.example'));
        assert.equal(created.status, 201);
        const mine = await send('GET', `/Users/${created.json.id}`);
        assert.equal(mine.status, 404, 'a user of another connector is not found through this one');
        const list = await scim(other.baseUrl, other.token, 'GET', '/Users?filter=userName eq "shared.name@contoso.example"');
        assert.deepEqual(list.json.Resources.map((user: { id: string }) => user.id), [created.json.id]);
      });
    });

    describe('content types and bodies', () => {
      it('when the body is JSON as application/json, application/scim+json with a charset, or untyped, then it is accepted', async () => {
        for (const [index, contentType] of ['application/json', 'application/scim+json; charset=utf-8', ''].entries()) {
          const body = JSON.stringify(entraUser(`content.type${index}@contoso.example`));
          const response = await fetch(`${connector.baseUrl}/Users`, {
            method: 'POST',
            headers: { authorization: `Bearer ${connector.token}`, ...(contentType ? { 'content-type': contentType } : {}) },
            body: contentType ? body : new Blob([body]),
          });
          assert.equal(response.status, 201, `${contentType || 'no content type'}: ${await response.text()}`);
          assert.match(response.headers.get('content-type') ?? '', /^application\/scim\+json/);
        }
      });

      it('when the body is of another type, then 415', async () => {
        const reply = await send('POST', '/Users', 'userName=x', { 'content-type': 'application/x-www-form-urlencoded' });
        assert.equal(reply.status, 415);
      });

      it('when the body is larger than the limit, then 413 and nothing is stored', async () => {
        const reply = await send('POST', '/Users', entraUser('big@contoso.example', { title: 'x'.repeat(1_100_000) }));
        assert.equal(reply.status, 413);
        assert.equal(reply.json.status, '413');
        const found = await send('GET', '/Users?filter=userName eq "big@contoso.example"');
        assert.equal(found.json.totalResults, 0);
      });
    });

    describe('what the IdP writes is returned as written', () => {
      it('when a user carries extensions, unknown attributes and odd letter case, then GET returns them and the server owns id and meta', async () => {
        const body = {
          ...entraUser('verbatim@contoso.example'),
          id: 'client-chosen',
          meta: { resourceType: 'User', created: '2000-01-01T00:00:00Z' },
          'urn:example:params:scim:schemas:extension:custom:2.0:User': { badge: 42, tags: ['a', 'b'] },
          nickName: 'V',
          password: 'never-store-me',
        };
        const created = await send('POST', '/Users', body);
        assert.equal(created.status, 201);
        assert.notEqual(created.json.id, 'client-chosen');
        assert.equal(created.headers.get('location'), `${connector.baseUrl}/Users/${created.json.id}`);
        const read = await send('GET', `/Users/${created.json.id}`);
        const { id: _id, meta: _meta, password: _password, ...written } = body;
        const { id, meta, ...returned } = read.json;
        assert.deepEqual(returned, written);
        assert.equal(id, created.json.id);
        assert.equal(meta.resourceType, 'User');
        assert.equal(meta.location, `${connector.baseUrl}/Users/${id}`);
        assert.ok(Date.parse(meta.created) > Date.parse('2020-01-01'));
        const stored = await server.dataSource.getRepository(IdpUserEntity).findOneByOrFail({ id });
        assert.doesNotMatch(JSON.stringify(stored.resource), /never-store-me/);
      });
    });

    describe('lists', () => {
      before(async () => {
        for (let index = 0; index < 12; index += 1) await createUser(`list.${String(index).padStart(2, '0')}@fabrikam.example`);
      });

      it('when startIndex and count are given, then the page and the counts follow them', async () => {
        const reply = await send('GET', '/Users?filter=userName sw "list." &sortBy=userName&startIndex=4&count=3');
        assert.equal(reply.json.totalResults, 12);
        assert.equal(reply.json.startIndex, 4);
        assert.equal(reply.json.itemsPerPage, 3);
        assert.deepEqual(
          reply.json.Resources.map((user: { userName: string }) => user.userName),
          ['list.03@fabrikam.example', 'list.04@fabrikam.example', 'list.05@fabrikam.example'],
        );
      });

      it('when sortOrder is descending, then the order turns', async () => {
        const reply = await send('GET', '/Users?filter=userName ew "@fabrikam.example"&sortBy=userName&sortOrder=descending&count=2');
        assert.deepEqual(reply.json.Resources.map((user: { userName: string }) => user.userName), ['list.11@fabrikam.example', 'list.10@fabrikam.example']);
      });

      it('when count is above the maximum, then it is capped; count=0 answers only the total', async () => {
        const capped = await send('GET', '/Users?count=5000');
        assert.ok(capped.json.itemsPerPage <= 1000);
        const none = await send('GET', '/Users?filter=userName sw "list."&count=0');
        assert.equal(none.json.totalResults, 12);
        assert.deepEqual(none.json.Resources, []);
      });

      it('when attributes or excludedAttributes are given, then the answer has just those', async () => {
        const only = await send('GET', '/Users?filter=userName eq "list.00@fabrikam.example"&attributes=userName,name.givenName');
        const [user] = only.json.Resources;
        assert.deepEqual(Object.keys(user).sort(), ['id', 'name', 'schemas', 'userName']);
        assert.deepEqual(user.name, { givenName: 'list' });
        const without = await send('GET', `/Users/${user.id}?excludedAttributes=emails,${ENTERPRISE}:department`);
        assert.equal(without.json.emails, undefined);
        assert.deepEqual(without.json[ENTERPRISE], {});
        assert.equal(without.json.userName, 'list.00@fabrikam.example');
      });

      it('when a filter needs memory as well as SQL, then the answer is still exact', async () => {
        const reply = await send('GET', `/Users?filter=userName sw "list.0" and ${ENTERPRISE}:department eq "retail" and not (userName eq "list.01@fabrikam.example")`);
        assert.equal(reply.json.totalResults, 9);
      });

      it('when POST /.search carries the parameters, then it answers as GET does', async () => {
        const reply = await send('POST', '/Users/.search', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: 'userName sw "list.1"',
          attributes: ['userName'],
          sortBy: 'userName',
          count: 10,
        });
        assert.equal(reply.status, 200);
        assert.deepEqual(reply.json.Resources.map((user: { userName: string }) => user.userName), ['list.10@fabrikam.example', 'list.11@fabrikam.example']);
      });

      for (const [query, scimType] of [
        ['filter=userName zz "x"', 'invalidFilter'],
        ['filter=meta.lastModified gt "yesterday"', 'invalidFilter'],
        ['count=ten', 'invalidValue'],
        ['sortBy=title', 'invalidValue'],
      ]) {
        it(`when the query is ${query}, then 400 ${scimType}`, async () => {
          const reply = await send('GET', `/Users?${query}`);
          assert.equal(reply.status, 400);
          assert.equal(reply.json.scimType, scimType);
        });
      }
    });

    describe('ETags', () => {
      it('when a user changes, then its version changes; If-Match with an old version gets 412 and changes nothing', async () => {
        const user = await createUser('etag@contoso.example');
        const first = user.meta.version;
        const replaced = await send('PUT', `/Users/${user.id}`, entraUser('etag@contoso.example', { title: 'one' }), { 'if-match': first });
        assert.equal(replaced.status, 200);
        assert.notEqual(replaced.json.meta.version, first);
        assert.equal(replaced.headers.get('etag'), replaced.json.meta.version);
        const stale = await send('PUT', `/Users/${user.id}`, entraUser('etag@contoso.example', { title: 'two' }), { 'if-match': first });
        assert.equal(stale.status, 412);
        assert.equal((await send('GET', `/Users/${user.id}`)).json.title, 'one');
      });

      it('when a member user is deleted, then each of its groups gets a new version and lists it no more', async () => {
        const user = await createUser('leaving.member@contoso.example');
        const other = await createUser('staying.member@contoso.example');
        const groups = [];
        for (const displayName of ['leaving-a', 'leaving-b']) {
          const reply = await send('POST', '/Groups', { displayName, members: [{ value: user.id }, { value: other.id }] });
          groups.push(reply.json as { id: string; meta: { version: string } });
        }
        const untouched = (await send('POST', '/Groups', { displayName: 'leaving-none', members: [{ value: other.id }] })).json;
        assert.equal((await send('DELETE', `/Users/${user.id}`)).status, 204);
        for (const group of groups) {
          const read = await send('GET', `/Groups/${group.id}`);
          assert.notEqual(read.json.meta.version, group.meta.version);
          assert.deepEqual(read.json.members.map((member: { value: string }) => member.value), [other.id]);
        }
        assert.equal((await send('GET', `/Groups/${untouched.id}`)).json.meta.version, untouched.meta.version);
      });

      it('when If-None-Match names the current version, then 304 without a body', async () => {
        const user = await createUser('etag.none@contoso.example');
        const reply = await send('GET', `/Users/${user.id}`, undefined, { 'if-none-match': user.meta.version });
        assert.equal(reply.status, 304);
        assert.equal(reply.text, '');
      });
    });

    describe('errors', () => {
      it('when a user is created twice in different case, then 409 uniqueness', async () => {
        await createUser('twice@contoso.example');
        const reply = await send('POST', '/Users', entraUser('TWICE@contoso.example'));
        assert.equal(reply.status, 409);
        assert.equal(reply.json.scimType, 'uniqueness');
      });

      it('when PUT renames a user to a taken userName, then 409 and the user keeps its name', async () => {
        await createUser('taken@contoso.example');
        const user = await createUser('renamed@contoso.example');
        const reply = await send('PUT', `/Users/${user.id}`, entraUser('Taken@contoso.example'));
        assert.equal(reply.status, 409);
        assert.equal((await send('GET', `/Users/${user.id}`)).json.userName, 'renamed@contoso.example');
      });

      it('when active is not a boolean, then 400 invalidValue', async () => {
        const reply = await send('POST', '/Users', entraUser('bad.active@contoso.example', { active: 'maybe' }));
        assert.equal(reply.status, 400);
        assert.equal(reply.json.scimType, 'invalidValue');
      });

      it('when the path is not a SCIM endpoint, then 404 in SCIM form', async () => {
        const reply = await send('GET', '/Nothing');
        assert.equal(reply.status, 404);
        assert.equal(reply.json.status, '404');
      });

      it('when the server fails, then 500 without its internals', async () => {
        const original = server.services.idpUsers.find;
        server.services.idpUsers.find = async () => {
          throw new Error('SQLITE_CORRUPT at /var/lib/secret/path');
        };
        try {
          const reply = await send('GET', '/Users/whatever');
          assert.equal(reply.status, 500);
          assert.doesNotMatch(reply.text, /SQLITE|secret/);
          assert.equal(reply.json.status, '500');
        } finally {
          server.services.idpUsers.find = original;
        }
      });
    });

    describe('concurrency', () => {
      it('when 20 creates of one userName arrive at once, then one 201 and nineteen 409', async () => {
        const replies = await Promise.all(
          Array.from({ length: 20 }, (_, index) => send('POST', '/Users', entraUser(index % 2 ? 'race@contoso.example' : 'RACE@contoso.example'))),
        );
        const statuses = replies.map((reply) => reply.status).sort();
        assert.deepEqual(statuses, [201, ...Array(19).fill(409)]);
      });

      it('when a create is resent after a timeout, then the filter Entra sends first finds the first one', async () => {
        const user = await createUser('resent@contoso.example');
        const again = await send('GET', '/Users?filter=userName eq "resent@contoso.example"');
        assert.deepEqual(again.json.Resources.map((found: { id: string }) => found.id), [user.id]);
      });
    });

    describe('provisioning events', () => {
      it('when SCIM writes happen, then each is recorded with its operation, resource, status and duration', async () => {
        const user = await createUser('recorded@contoso.example');
        await send('POST', '/Users', entraUser('recorded@contoso.example'));
        await send('DELETE', `/Users/${user.id}`);
        await server.services.provisioningLog.flush();
        const events = await server.dataSource.getRepository(ProvisioningEventEntity).find({ where: { connectorId: connector.id }, order: { id: 'ASC' } });
        const last = events.slice(-3).map((event) => [event.operation, event.resourceType, event.status, event.resourceId]);
        assert.deepEqual(last, [
          ['CREATE', 'User', 201, user.id],
          ['CREATE', 'User', 409, null],
          ['DELETE', 'User', 204, user.id],
        ]);
        assert.ok(events.every((event) => event.durationMs >= 0));
      });
    });

    describe('discovery', () => {
      it('when ServiceProviderConfig, ResourceTypes and Schemas are read, then they describe what the endpoint does', async () => {
        const config = await send('GET', '/ServiceProviderConfig');
        assert.equal(config.json.patch.supported, true);
        assert.equal(config.json.bulk.maxOperations, 1000);
        assert.equal(config.json.filter.maxResults, 1000);
        const types = await send('GET', '/ResourceTypes');
        assert.deepEqual(types.json.Resources.map((type: { id: string }) => type.id).sort(), ['Group', 'User']);
        const schema = await send('GET', `/Schemas/${USER_SCHEMA}`);
        assert.equal(schema.json.id, USER_SCHEMA);
        assert.ok(schema.json.attributes.some((attribute: { name: string }) => attribute.name === 'userName'));
        assert.equal((await send('GET', '/Schemas/urn:nope')).status, 404);
      });
    });

    describe('PATCH', () => {
      it('when a PATCH has one failing operation, then none of its operations is applied', async () => {
        const user = await createUser('atomic@contoso.example');
        const reply = await send('PATCH', `/Users/${user.id}`, {
          schemas: [PATCH_OP],
          Operations: [
            { op: 'Replace', path: 'title', value: 'changed' },
            { op: 'Replace', path: 'id', value: 'mine' },
          ],
        });
        assert.equal(reply.status, 400);
        assert.equal(reply.json.scimType, 'mutability');
        const read = await send('GET', `/Users/${user.id}`);
        assert.equal(read.json.title, undefined);
        assert.equal(read.json.meta.version, user.meta.version);
      });

      it('when 10 PATCHes add different members to one group at once, then all of them are in it', async () => {
        const users = await Promise.all(Array.from({ length: 10 }, (_, index) => createUser(`member.${index}@contoso.example`)));
        const group = await send('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'concurrent' });
        const replies = await Promise.all(
          users.map((user) =>
            send('PATCH', `/Groups/${group.json.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: [{ value: user.id }] }] }),
          ),
        );
        assert.deepEqual(replies.map((reply) => reply.status), Array(10).fill(204));
        const read = await send('GET', `/Groups/${group.json.id}`);
        assert.deepEqual(read.json.members.map((member: { value: string }) => member.value).sort(), users.map((user) => user.id).sort());
      });

      it('when members are added that do not exist, then 400 and the group is unchanged', async () => {
        const user = await createUser('real.member@contoso.example');
        const group = await send('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'strict', members: [{ value: user.id }] });
        const reply = await send('PATCH', `/Groups/${group.json.id}`, {
          schemas: [PATCH_OP],
          Operations: [
            { op: 'Replace', path: 'displayName', value: 'renamed' },
            { op: 'Add', path: 'members', value: [{ value: 'no-such-user' }] },
          ],
        });
        assert.equal(reply.status, 400);
        const read = await send('GET', `/Groups/${group.json.id}`);
        assert.equal(read.json.displayName, 'strict');
        assert.deepEqual(read.json.members.map((member: { value: string }) => member.value), [user.id]);
      });
    });

    describe('Bulk', () => {
      it('when operations refer to each other by bulkId, then they resolve, and each answers its own status', async () => {
        const reply = await send('POST', '/Bulk', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [
            { method: 'POST', bulkId: 'u1', path: '/Users', data: entraUser('bulk.one@contoso.example') },
            { method: 'POST', bulkId: 'g1', path: '/Groups', data: { displayName: 'bulk-group', members: [{ value: 'bulkId:u1' }] } },
            { method: 'PATCH', path: '/Users/bulkId:u1', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Bulked' }] } },
            { method: 'POST', bulkId: 'dup', path: '/Users', data: entraUser('bulk.one@contoso.example') },
            { method: 'DELETE', path: '/Groups/bulkId:nope' },
          ],
        });
        assert.equal(reply.status, 200);
        const results = reply.json.Operations;
        assert.deepEqual(results.map((result: { status: string }) => result.status), ['201', '201', '200', '409', '400']);
        const userId = results[0].location.split('/').pop();
        const group = await send('GET', results[1].location.replace(connector.baseUrl, ''));
        assert.deepEqual(group.json.members.map((member: { value: string }) => member.value), [userId]);
        assert.equal((await send('GET', `/Users/${userId}`)).json.title, 'Bulked');
        assert.equal(results[3].response.scimType, 'uniqueness');
      });

      it('when failOnErrors is reached, then the remaining operations are not run', async () => {
        const reply = await send('POST', '/Bulk', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          failOnErrors: 1,
          Operations: [
            { method: 'DELETE', path: '/Users/no-such-user' },
            { method: 'POST', bulkId: 'later', path: '/Users', data: entraUser('never.created@contoso.example') },
          ],
        });
        assert.equal(reply.json.Operations.length, 1);
        assert.equal((await send('GET', '/Users?filter=userName eq "never.created@contoso.example"')).json.totalResults, 0);
      });

      it('when a bulk request has more operations than advertised, then 413', async () => {
        const reply = await send('POST', '/Bulk', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: Array.from({ length: 1001 }, () => ({ method: 'DELETE', path: '/Users/x' })),
        });
        assert.equal(reply.status, 413);
      });
    });
  });
}

describe('SCIM rate limit', () => {
  it('when a connector sends faster than its limit, then 429 with Retry-After', async () => {
    const server = await startTestServer('sqlite', { scimRateLimit: 2 });
    try {
      const connector = await createConnector(server.url);
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let index = 0; index < 8; index += 1) {
        const reply = await scim(connector.baseUrl, connector.token, 'GET', '/Users');
        statuses.push(reply.status);
        if (reply.status === 429) retryAfter = reply.headers.get('retry-after');
      }
      assert.ok(statuses.slice(0, 4).every((status) => status === 200), `a burst of twice the rate passes: ${statuses}`);
      assert.ok(statuses.includes(429), `${statuses}`);
      assert.ok(Number(retryAfter) >= 1);
    } finally {
      await server.close();
    }
  });
});

for (const kind of databaseKinds()) {
  describe(`SCIM statements on ${kind}`, () => {
    let server: TestServer;
    const log = new StatementLog();
    before(async () => {
      server = await startTestServer(kind, { logger: log });
    });
    after(() => server.close());

    /** A fresh connector with users of these names and a group holding the first `members` of them. */
    async function groupOfUsers(displayName: string, names: string[], members: number) {
      const connector = await createConnector(server.url);
      const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
      const users: string[] = [];
      for (const name of names) users.push((await send('POST', '/Users', entraUser(`${name}@contoso.example`))).json.id);
      const group = await send('POST', '/Groups', { displayName, members: users.slice(0, members).map((value) => ({ value })) });
      assert.equal(group.status, 201);
      return { send, users, groupId: group.json.id as string };
    }

    /** The round trips of a group write: those that name its tables (another transaction's do not). */
    const groupTrips = (trips: string[]) => trips.filter((sql) => /\b(idp_groups|idp_group_members|memberships|users)\b/.test(sql));

    it('when members are excluded, then no member row is read; when a member is added, then the cost does not grow with the group', async () => {
      const connector = await createConnector(server.url);
      const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
      const users: string[] = [];
      for (let index = 0; index < 30; index += 1) {
        users.push((await send('POST', '/Users', entraUser(`statements.${index}@contoso.example`))).json.id);
      }
      const group = await send('POST', '/Groups', {
        displayName: 'statements',
        members: users.slice(0, 25).map((value) => ({ value })),
      });
      const excluded = await log.during(async () => {
        assert.equal((await send('GET', `/Groups/${group.json.id}?excludedAttributes=members`)).status, 200);
        assert.equal((await send('GET', '/Groups?excludedAttributes=members&filter=displayName eq "statements"')).status, 200);
      });
      assert.deepEqual(excluded.filter((sql) => /idp_group_members/.test(sql)), []);

      const add = await log.during(async () => {
        const reply = await send('PATCH', `/Groups/${group.json.id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Add', path: 'members', value: [{ value: users[25] }] }],
        });
        assert.equal(reply.status, 204);
      });
      const memberStatements = add.filter((sql) => /idp_group_members/.test(sql));
      // Reconciling the new member reads that user's groups (by memberId), never the group's members.
      const listReads = memberStatements.filter((sql) => /SELECT[^]*FROM idp_group_members[^]*WHERE\s+(\w+\.)?groupId/i.test(sql));
      assert.deepEqual(listReads, [], 'no member list is read');
      assert.equal(memberStatements.filter((sql) => /^\s*INSERT/i.test(sql)).length, 1, 'one insert of the new member');
    });

    it('when a user PATCH changes a mapped attribute, then on MySQL it takes two round trips: the directory user is read with the lock, its write rides with the COMMIT', async () => {
      const connector = await createConnector(server.url);
      const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
      const user = await send('POST', '/Users', entraUser('trips@contoso.example'));
      assert.equal(user.status, 201);
      const trips = await log.roundTripsDuring(async () => {
        const reply = await send('PATCH', `/Users/${user.json.id}`, {
          schemas: [PATCH_OP],
          Operations: [
            { op: 'Replace', path: 'title', value: 'Engineer' },
            { op: 'Add', path: 'emails[type eq "work"].value', value: 'trips.new@contoso.example' },
          ],
        });
        assert.equal(reply.status, 200);
      });
      const own = trips.filter((sql) => /\b(idp_users|idp_user_emails|users)\b/.test(sql));
      const [directoryUser] = await server.dataSource.query('SELECT email FROM users WHERE idpUserId = ?', [user.json.id]);
      assert.equal(directoryUser.email, 'trips.new@contoso.example');
      if (kind !== 'mysql') return;
      assert.equal(own.length, 2, own.join('\n---\n'));
      assert.match(own[0], /^START TRANSACTION;\nSELECT r\.\*[^]*;\nSELECT typeKey[^]*;\nSELECT 'u' [^]* AS others\s+FROM users u WHERE u.idpUserId IN \(\?\)$/);
      assert.match(own[1], /^UPDATE idp_users [^]*;\nDELETE FROM idp_user_emails [^]*;\nINSERT INTO idp_user_emails [^]*;\nUPDATE users SET [^]*;\nCOMMIT$/);
    });

    it('when a user is deleted, then on MySQL it takes two round trips: the directory user is read with the lock, cleanup\'s write rides with the COMMIT', async () => {
      const connector = await createConnector(server.url);
      const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
      const user = await send('POST', '/Users', entraUser('leaving@contoso.example'));
      assert.equal(user.status, 201);
      const trips = await log.roundTripsDuring(async () => {
        assert.equal((await send('DELETE', `/Users/${user.json.id}`)).status, 204);
      });
      const [directoryUser] = await server.dataSource.query('SELECT active, disabledReason, idpUserId FROM users WHERE userNameKey = ?', ['leaving@contoso.example']);
      assert.deepEqual({ ...directoryUser, active: Boolean(Number(directoryUser.active)) }, { active: false, disabledReason: 'CLEANUP', idpUserId: null });
      if (kind !== 'mysql') return;
      const own = trips.filter((sql) => /\b(idp_users|idp_group_members|users)\b/.test(sql));
      assert.equal(own.length, 2, own.join('\n---\n'));
      assert.match(own[0], /^START TRANSACTION;\nSELECT r\.\*[^]*;\nSELECT groupId FROM idp_group_members[^]*;\nSELECT 'u' [^]* AS others\s+FROM users u WHERE u.idpUserId IN \(\?\)$/);
      assert.match(own[1], /^UPDATE users SET [^]*;\nDELETE FROM idp_group_members [^]*;\nDELETE FROM idp_users [^]*;\nCOMMIT$/);
    });

    it('when members are added to a group, then on MySQL it takes two round trips: their types and directory users travel with the lock, the memberships with the COMMIT', async () => {
      const { send, users, groupId } = await groupOfUsers('trips', ['trip-a', 'trip-b', 'trip-c'], 1);
      const trips = await log.roundTripsDuring(async () => {
        const reply = await send('PATCH', `/Groups/${groupId}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Add', path: 'members', value: [{ value: users[1] }, { value: users[2] }] }],
        });
        assert.equal(reply.status, 204);
      });
      const [{ members }] = await server.dataSource.query(
        'SELECT COUNT(*) AS members FROM memberships m JOIN `groups` g ON g.id = m.groupId WHERE g.nameKey = ?',
        ['trips'],
      );
      assert.equal(Number(members), 3);
      if (kind !== 'mysql') return;
      const own = groupTrips(trips);
      assert.equal(own.length, 2, own.join('\n---\n'));
      assert.match(own[0], /^START TRANSACTION;\nSELECT r\.\*[^]*FROM idp_groups r[^]*;\nSELECT id, connectorId, 'User' AS memberType[^]*;\nSELECT 'u' AS part[^]*FROM users u LEFT JOIN memberships/);
      assert.match(own[1], /^UPDATE idp_groups [^]*;\nINSERT IGNORE INTO idp_group_members [^]*;\nINSERT IGNORE INTO memberships [^]*;\nCOMMIT$/);
    });

    it('when a group is deleted, then on MySQL it takes two round trips: its members and their directory users travel with the lock', async () => {
      const { send, groupId } = await groupOfUsers('gone', ['gone-a', 'gone-b'], 2);
      const trips = await log.roundTripsDuring(async () => {
        assert.equal((await send('DELETE', `/Groups/${groupId}`)).status, 204);
      });
      const [{ members }] = await server.dataSource.query('SELECT COUNT(*) AS members FROM memberships m JOIN `groups` g ON g.id = m.groupId WHERE g.nameKey = ?', ['gone']);
      assert.equal(Number(members), 0);
      if (kind !== 'mysql') return;
      const own = groupTrips(trips);
      assert.equal(own.length, 2, own.join('\n---\n'));
      assert.match(own[0], /^START TRANSACTION;\nSELECT r\.\*[^]*FROM idp_groups r[^]*;\nSELECT memberId FROM idp_group_members[^]*;\nSELECT 'u' AS part[^]*FROM idp_group_members gm JOIN users u/);
      assert.match(own[1], /^DELETE FROM idp_group_members [^]*;\nDELETE FROM idp_groups [^]*;\nDELETE FROM memberships [^]*;\nCOMMIT$/);
    });

    it('when a member is removed by value, then on MySQL it takes two round trips, and the directory loses the membership', async () => {
      const { send, users, groupId } = await groupOfUsers('leavers', ['leave-a', 'leave-b'], 2);
      const trips = await log.roundTripsDuring(async () => {
        const reply = await send('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: [{ value: users[0] }] }] });
        assert.equal(reply.status, 204);
      });
      const members = await server.dataSource.query(
        'SELECT u.userName FROM memberships m JOIN `groups` g ON g.id = m.groupId JOIN users u ON u.id = m.userId WHERE g.nameKey = ?',
        ['leavers'],
      );
      assert.deepEqual(members.map((row: { userName: string }) => row.userName), ['leave-b@contoso.example']);
      if (kind !== 'mysql') return;
      const own = groupTrips(trips);
      assert.equal(own.length, 2, own.join('\n---\n'));
      assert.match(own[0], /^START TRANSACTION;\nSELECT r\.\*[^]*FROM idp_groups r[^]*;\nSELECT id, connectorId[^]*;\nSELECT 'u' AS part[^]*FROM users u LEFT JOIN memberships/);
      assert.match(own[1], /^UPDATE idp_groups [^]*;\nDELETE FROM idp_group_members [^]*;\nDELETE FROM memberships [^]*;\nCOMMIT$/);
    });
  });
}
