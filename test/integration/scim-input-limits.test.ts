import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/http/json-body';
import { MAX_RESOURCE_DEPTH, MAX_TEXT_LENGTH, MAX_VALUES } from '../../src/scim/resource';
import { databaseKinds } from '../support/databases';
import { createConnector, scim, ScimReply } from '../support/scim-client';
import { graphql, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** `{"a":{"a":…}}` nested `depth` objects deep, as text (JSON.stringify itself would overflow). */
function nestedObjects(depth: number, leaf = '"x"'): string {
  return `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

function assertRefused(reply: ScimReply, scimType: string, detail: RegExp): void {
  assert.equal(reply.status, 400, reply.text);
  assert.equal(reply.json.status, '400');
  assert.equal(reply.json.scimType, scimType, reply.text);
  assert.match(reply.json.detail, detail);
}

for (const kind of databaseKinds()) {
  describe(`SCIM input beyond what the service stores, on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };
    const send = (method: string, path: string, body?: unknown) => scim(connector.baseUrl, connector.token, method, path, body);
    const raw = (method: string, path: string, bytes: Buffer) =>
      fetch(`${connector.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${connector.token}`, 'content-type': 'application/scim+json' },
        body: bytes,
      }).then(async (response) => {
        const text = await response.text();
        return { status: response.status, headers: response.headers, text, json: JSON.parse(text) } as ScimReply;
      });
    const userCount = async () => Number((await server.dataSource.query('SELECT COUNT(*) AS n FROM idp_users'))[0].n);
    const user = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER_SCHEMA], userName, ...extra });

    before(async () => {
      server = await startTestServer(kind);
      connector = await createConnector(server.url);
    });
    after(() => server.close());

    it('when a body nests deeper than the limit, then 400 invalidSyntax, at any depth, and nothing is stored', async () => {
      const before = await userCount();
      // Arrays nest in two bytes a level: 200,000 levels fit the body limit.
      for (const depth of [MAX_JSON_DEPTH, 3_000, 200_000]) {
        const body = `{"schemas":["${USER_SCHEMA}"],"userName":"deep.${depth}@example.com","name":${'['.repeat(depth)}${']'.repeat(depth)}}`;
        assertRefused(await send('POST', '/Users', body), 'invalidSyntax', new RegExp(`deeper than ${MAX_JSON_DEPTH} levels`));
        const patch = `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"title","value":${'['.repeat(depth)}${']'.repeat(depth)}}]}`;
        assertRefused(await send('PATCH', '/Users/00000000-0000-0000-0000-000000000000', patch), 'invalidSyntax', /deeper than/);
      }
      assert.equal(await userCount(), before);
    });

    it('when a resource would nest deeper than a stored one may, then 400 invalidValue, and the user stays readable and patchable', async () => {
      const tooDeep = JSON.parse(nestedObjects(MAX_RESOURCE_DEPTH));
      assertRefused(await send('POST', '/Users', user('deep.create@example.com', { name: tooDeep })), 'invalidValue', /^name\.a\.a.* nests deeper/);
      const created = await send('POST', '/Users', user('deep.patch@example.com', { name: JSON.parse(nestedObjects(MAX_RESOURCE_DEPTH - 1)) }));
      assert.equal(created.status, 201, created.text);
      const id = created.json.id;
      // The PATCH body is within its limit; the resource it would make is past a stored one's.
      const deeper = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'name', value: tooDeep }] };
      assertRefused(await send('PATCH', `/Users/${id}`, deeper), 'invalidValue', /nests deeper than a resource may/);
      const entra = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Still Patchable' }] };
      const patched = await send('PATCH', `/Users/${id}`, entra);
      assert.equal(patched.status, 200, patched.text);
      assert.equal((await send('GET', `/Users/${id}`)).json.displayName, 'Still Patchable');
    });

    it('when a user has more emails than a multi-valued attribute holds, then 400 invalidValue naming emails, and nothing is stored', async () => {
      const before = await userCount();
      const emails = (count: number) => Array.from({ length: count }, (_, index) => ({ type: 'work', value: `e${index}@example.com` }));
      for (const count of [MAX_VALUES + 1, 20_000]) {
        assertRefused(await send('POST', '/Users', user('many.emails@example.com', { emails: emails(count) })), 'invalidValue', new RegExp(`^emails has ${count} values`));
      }
      assert.equal(await userCount(), before);
      const kept = await send('POST', '/Users', user('max.emails@example.com', { emails: emails(MAX_VALUES) }));
      assert.equal(kept.status, 201, kept.text);
      const found = await send('GET', `/Users?filter=emails.value eq "e${MAX_VALUES - 1}@example.com"`);
      assert.equal(found.json.totalResults, 1);
    });

    it('when a value is longer than its column or than any stored text, then 400 invalidValue naming it, on both databases alike', async () => {
      const before = await userCount();
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ emails: [{ value: `${'e'.repeat(300)}@example.com` }] }, /^emails\[0\]\.value must be at most 255/],
        [{ emails: [{ type: 't'.repeat(65), value: 'a@example.com' }] }, /^emails\[0\]\.type must be at most 64/],
        [{ title: 'x'.repeat(MAX_TEXT_LENGTH + 1) }, /^title is longer than/],
        [{ [`urn:example:${'k'.repeat(300)}`]: 'v' }, /^the attribute name urn:example:k+… is longer than 255/],
      ];
      for (const [extra, detail] of cases) assertRefused(await send('POST', '/Users', user('long@example.com', extra)), 'invalidValue', detail);
      // 200 "İ" are 200 characters, and 400 once lowercased: the key column holds 255.
      assertRefused(await send('POST', '/Users', user('İ'.repeat(200))), 'invalidValue', /^userName must be at most 255 characters once its letter case is folded/);
      assertRefused(await send('POST', '/Groups', { displayName: 'İ'.repeat(200) }), 'invalidValue', /^displayName must be at most 255 characters once/);
      // Combining marks that NFC folds away are within the limit; the key is shorter than the name.
      const combining = `${'e\u0301'.repeat(126)}@x`;
      assert.equal((await send('POST', '/Users', user(combining))).status, 201);
      assert.equal(await userCount(), before + 1);
    });

    it('when text is not valid Unicode (a lone surrogate, invalid UTF-8), then 400 invalidSyntax, and nothing is stored', async () => {
      const before = await userCount();
      for (const escape of ['\\ud800', '\\udfff', 'a\\ud83d']) {
        const body = `{"schemas":["${USER_SCHEMA}"],"userName":"lone${escape}@example.com"}`;
        assertRefused(await send('POST', '/Users', body), 'invalidSyntax', /not valid Unicode/);
        const inKey = `{"schemas":["${USER_SCHEMA}"],"userName":"key@example.com","x${escape}":1}`;
        assertRefused(await send('POST', '/Users', inKey), 'invalidSyntax', /attribute name that is not valid Unicode/);
      }
      // 0xC3 0x28 and a bare 0xFF: both would have become U+FFFD, one userName for two byte strings.
      for (const bad of [Buffer.from([0xc3, 0x28]), Buffer.from([0xff])]) {
        const bytes = Buffer.concat([Buffer.from(`{"schemas":["${USER_SCHEMA}"],"userName":"bytes`), bad, Buffer.from('@example.com"}')]);
        assertRefused(await raw('POST', '/Users', bytes), 'invalidSyntax', /not valid UTF-8/);
      }
      assert.equal(await userCount(), before);
      // A well-formed pair is one character: stored as sent.
      const pair = await send('POST', '/Users', user('smile\u{1f600}@example.com'));
      assert.equal(pair.status, 201, pair.text);
      assert.equal((await send('GET', `/Users/${pair.json.id}`)).json.userName, 'smile\u{1f600}@example.com');
    });

    it('when a request names __proto__, constructor or another Object.prototype key, then a 4xx or an ordinary answer, never a 500 or a polluted prototype', async () => {
      const created = await send('POST', '/Users', user('proto.names@example.com', { title: 'Keeps' }));
      assert.equal(created.status, 201, created.text);
      const id = created.json.id;
      for (const name of ['__proto__', '__PROTO__', 'constructor', 'CONSTRUCTOR', 'toString', 'hasOwnProperty']) {
        const sorted = await send('GET', `/Users?sortBy=${name}`);
        assertRefused(sorted, 'invalidValue', /^sortBy supports/);
        assertRefused(await send('GET', `/Groups?sortBy=${name}`), 'invalidValue', /^sortBy supports/);
        for (const path of [`/Users?filter=${name} eq "x"`, `/Users?filter=${name} pr`, `/Groups?filter=${name}.value eq "x"`, `/Users?attributes=${name}`, `/Users?excludedAttributes=${name}`]) {
          const reply = await send('GET', path);
          assert.ok(reply.status === 200 || reply.status === 400, `${path}: ${reply.status} ${reply.text}`);
          if (reply.status === 400) assert.ok(reply.json.scimType, reply.text);
        }
        for (const operation of [{ op: 'add', path: name, value: { polluted: true } }, { op: 'remove', path: `${name}.x` }, { op: 'replace', value: { [name]: { polluted: true } } }]) {
          const reply = await send('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations: [operation] });
          assert.ok(reply.status < 500, `${JSON.stringify(operation)}: ${reply.status} ${reply.text}`);
          if (reply.status >= 400) assert.ok(reply.json.scimType, reply.text);
        }
      }
      const body = `{"schemas":["${USER_SCHEMA}"],"userName":"proto.body@example.com","__proto__":{"polluted":true}}`;
      assertRefused(await send('POST', '/Users', body), 'invalidSyntax', /__proto__/);
      const patch = `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":true}}}]}`;
      assertRefused(await send('PATCH', `/Users/${id}`, patch), 'invalidSyntax', /__proto__/);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal((await send('GET', `/Users/${id}`)).json.title, 'Keeps');
    });

    it('when the admin API gets a lone surrogate, invalid UTF-8 or over-deep variables, then a 400 GraphQL error, and nothing changes', async () => {
      const post = (body: string | Buffer) =>
        fetch(`${server.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body });
      const mutation = 'mutation($name: String!) { createConnector(input: { name: $name }) { connector { id } } }';
      const connectors = async () => (await graphql(server.url, TEST_ADMIN_TOKEN, '{ connectors { id } }')).data.connectors.length;
      const count = await connectors();
      const bodies: Array<[string | Buffer, RegExp]> = [
        [`{"query":${JSON.stringify(mutation)},"variables":{"name":"lone\\ud800"}}`, /not valid Unicode/],
        [Buffer.concat([Buffer.from(`{"query":${JSON.stringify(mutation)},"variables":{"name":"`), Buffer.from([0xff]), Buffer.from('"}}')]), /not valid UTF-8/],
        [`{"query":${JSON.stringify(mutation)},"variables":{"name":"n","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`, /deeper than/],
      ];
      for (const [body, message] of bodies) {
        const response = await post(body);
        assert.equal(response.status, 400);
        const answer = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
        assert.equal(answer.errors[0].extensions.code, 'BAD_REQUEST');
        assert.match(answer.errors[0].message, message);
      }
      assert.equal(await connectors(), count);
    });
  });
}
