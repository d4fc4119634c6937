import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { databaseKinds } from '../support/databases';
import { createConnector } from '../support/scim-client';
import { startTestServer, TestServer } from '../support/server';

/*
 * A property of the whole SCIM front, checked with generated hostile requests: whatever comes in,
 * the answer is not a 5xx; a 4xx is SCIM error JSON (a 400 always with its scimType); and a refused
 * request changes nothing stored. SCIM_FUZZ_SEED and SCIM_FUZZ_RUNS replay or widen a run.
 */
const SEED = Number(process.env.SCIM_FUZZ_SEED ?? 20261205);
const RUNS = Number(process.env.SCIM_FUZZ_RUNS ?? 3000);
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

interface HostileRequest {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const nameChar = fc.constantFrom('a', 'Z', '0', '.', '@', '_', '-', ' ', 'İ', 'é', '\u0301', '\u{1f600}', '"', "'", '\\', '%', '[', ']', '(', ')');
/** Text as clients send it and as attackers do: names, huge runs, lone surrogates, prototype keys. */
const text = fc.oneof(
  fc.string({ unit: nameChar, maxLength: 40 }),
  fc.string({ maxLength: 20 }),
  fc.tuple(fc.string({ maxLength: 5 }), loneSurrogate).map(([head, lone]) => head + lone),
  fc.tuple(nameChar, fc.integer({ min: 200, max: 20_000 })).map(([char, count]) => char.repeat(count)),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'CONSTRUCTOR', 'hasOwnProperty', ''),
);
const attributeName = fc.oneof(
  fc.constantFrom('userName', 'displayName', 'emails', 'name', 'name.givenName', 'active', 'externalId', 'members', 'title', 'id', 'meta', 'schemas'),
  fc.constantFrom('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', 'emails[type eq "work"].value', 'members[value eq "x"]', 'addresses[type eq "work"].streetAddress'),
  text,
);
/** JSON values, with nesting from none to far past any limit. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  text,
  fc.array(fc.record({ value: text, type: fc.oneof(text, fc.constant('work')), primary: fc.oneof(fc.boolean(), text) }), { maxLength: 150 }),
  fc.integer({ min: 10, max: 3_000 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
);
const userBody = fc.dictionary(attributeName, value, { maxKeys: 6 }).map((attributes) => ({ schemas: [USER_SCHEMA], userName: 'fuzz@example.com', ...attributes }));
const patchBody = fc
  .array(fc.record({ op: fc.oneof(fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace'), text), path: fc.option(attributeName, { nil: undefined }), value: fc.option(value, { nil: undefined }) }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((operations) => ({ schemas: [PATCH_OP], Operations: operations }));
/** A JSON body as text: generated values, truncated text, a deep nest, `__proto__` keys. */
const jsonText = (body: fc.Arbitrary<unknown>) =>
  fc.oneof(
    body.map((item) => JSON.stringify(item)),
    fc.tuple(body, fc.nat()).map(([item, cut]) => {
      const whole = JSON.stringify(item);
      return whole.slice(0, cut % (whole.length + 1));
    }),
    fc.integer({ min: 30, max: 100_000 }).map((depth) => `{"schemas":["${USER_SCHEMA}"],"userName":"deep","x":${'['.repeat(depth)}${']'.repeat(depth)}}`),
    fc.constant(`{"schemas":["${USER_SCHEMA}"],"userName":"proto","__proto__":{"polluted":true}}`),
  );
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((array) => Buffer.from(array)),
  fc.tuple(fc.constantFrom(0xc3, 0xff, 0xed, 0x80), fc.string({ maxLength: 10 })).map(([bad, tail]) => Buffer.concat([Buffer.from(`{"schemas":["${USER_SCHEMA}"],"userName":"b`), Buffer.from([bad]), Buffer.from(`${tail}"}`)])),
);
const query = fc
  .record(
    {
      filter: fc.oneof(text, fc.constantFrom('userName eq "a"', 'emails[type eq "work" and value co "@"]', '((((', 'not(', 'userName eq', 'members.value eq "x"', `${'('.repeat(200)}id pr${')'.repeat(200)}`)),
      sortBy: attributeName,
      sortOrder: fc.oneof(fc.constantFrom('ascending', 'descending'), text),
      startIndex: fc.oneof(fc.integer().map(String), text),
      count: fc.oneof(fc.integer().map(String), text),
      attributes: attributeName,
      excludedAttributes: attributeName,
    },
    { requiredKeys: [] },
  )
  .map((params) => new URLSearchParams(Object.entries(params).map(([name, item]): [string, string] => [name, String(item).slice(0, 1000)])).toString());
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/scim+json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', 'application/scim+json; charset=latin1'),
    'if-match': fc.oneof(fc.constantFrom('W/"1"', '*', '"', 'W/"99999999999999999999"'), fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((item) => item.replace(/[^\x20-\x7e]/g, ''))),
  },
  { requiredKeys: [] },
);
// Ids stay within Node's 16 KiB request head: past it Node itself answers 431, before any route.
const id = fc.oneof(fc.constant('SEED'), fc.constant('GROUP'), fc.uuid(), text.map((item) => encodeURIComponent([...item].slice(0, 300).join('').toWellFormed())), fc.constantFrom("x' or '1'='1", '..', '%zz', '%ED%A0%80', '.search'));

/** `SEED` and `GROUP` in a path stand for a stored user's and group's ids. */
const request: fc.Arbitrary<HostileRequest> = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constantFrom('/Users', '/Groups', '/Bulk', '/Users/.search'), body: fc.oneof(jsonText(userBody), bytes), headers }),
  fc.record({ method: fc.constantFrom('PUT', 'PATCH'), path: id.map((item) => `/Users/${item}`), body: fc.oneof(jsonText(patchBody), jsonText(userBody), bytes), headers }),
  fc.record({ method: fc.constant('PATCH'), path: fc.constant('/Groups/GROUP'), body: jsonText(patchBody), headers }),
  fc.record({ method: fc.constantFrom('GET', 'DELETE'), path: fc.tuple(fc.constantFrom('/Users', '/Groups'), id).map(([kind, item]) => `${kind}/${item}`), headers }),
  fc.record({ method: fc.constant('GET'), path: fc.tuple(fc.constantFrom('/Users', '/Groups'), query).map(([kind, params]) => `${kind}?${params}`) }),
);

for (const kind of databaseKinds()) {
  describe(`hostile SCIM requests, generated, on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };
    const ids = { SEED: '', GROUP: '' };

    const send = async ({ method, path, body, headers = {} }: HostileRequest) => {
      const resolved = path.replace(/SEED|GROUP/, (name) => ids[name as keyof typeof ids]);
      const response = await fetch(`${connector.baseUrl}${resolved}`, {
        method,
        headers: { authorization: `Bearer ${connector.token}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers },
        body,
      });
      return { status: response.status, text: await response.text() };
    };
    /** What the request could have changed, in one cheap read. */
    const stored = async () =>
      JSON.stringify(
        await server.dataSource.query(
          `SELECT 'u' AS t, COUNT(*) AS n, SUM(version) AS v FROM idp_users UNION ALL SELECT 'g', COUNT(*), SUM(version) FROM idp_groups
           UNION ALL SELECT 'm', COUNT(*), 0 FROM idp_group_members UNION ALL SELECT 'e', COUNT(*), 0 FROM idp_user_emails
           UNION ALL SELECT 'd', COUNT(*), 0 FROM users UNION ALL SELECT 'dg', COUNT(*), 0 FROM \`groups\` UNION ALL SELECT 'dm', COUNT(*), 0 FROM memberships`,
        ),
      );

    before(async () => {
      server = await startTestServer(kind);
      connector = await createConnector(server.url);
      const seed = await send({ method: 'POST', path: '/Users', body: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'seed@example.com', emails: [{ value: 'seed@example.com', type: 'work' }] }) });
      ids.SEED = JSON.parse(seed.text).id;
      const group = await send({ method: 'POST', path: '/Groups', body: JSON.stringify({ displayName: 'Fuzzed', members: [{ value: ids.SEED }] }) });
      ids.GROUP = JSON.parse(group.text).id;
    });
    after(() => server.close());

    it('when any generated request comes in, then no 5xx, every 4xx is SCIM error JSON, and a refused one changes nothing stored', async (t) => {
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(request, async (hostile) => {
          cases += 1;
          const before = await stored();
          const reply = await send(hostile);
          assert.ok(reply.status < 500, `${reply.status} ${reply.text}`);
          if (reply.status < 400) return;
          const error = JSON.parse(reply.text);
          assert.deepEqual(error.schemas, [ERROR_SCHEMA]);
          assert.equal(error.status, String(reply.status));
          if (reply.status === 400) assert.ok(error.scimType, reply.text);
          assert.equal(await stored(), before, `a refused ${hostile.method} ${hostile.path} changed stored data`);
        }),
        { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: false },
      );
      t.diagnostic(`${cases} generated requests on ${kind} (seed ${SEED})`);
      assert.ok(cases >= Math.min(RUNS, 200), `only ${cases} cases ran`);
    });
  });
}
