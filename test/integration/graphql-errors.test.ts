import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { databaseKinds } from '../support/databases';
import { createConnector } from '../support/scim-client';
import { issueReaderToken, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

for (const kind of databaseKinds()) {
  describe(`GraphQL errors over HTTP on ${kind}`, () => {
    let server: TestServer;
    let readerToken: string;
    const lines: Array<Record<string, any>> = [];

    before(async () => {
      const sink = new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
          done();
        },
      });
      server = await startTestServer(kind, { log: pino({ level: 'info' }, sink) });
      readerToken = await issueReaderToken(server);
      // A connector, so that its fields (syncRuns) resolve.
      await createConnector(server.url, 'errors');
    });
    after(() => server.close());

    /** One operation with its X-Request-Id, answering the body and the id the server echoed. */
    async function send(token: string | null, query: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `t-${lines.length}-${Date.now()}`, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, requestId: response.headers.get('x-request-id')!, body: (await response.json()) as any };
    }

    const cases: Array<[code: string, who: string, token: () => string | null, query: string, field?: string]> = [
      ['UNAUTHENTICATED', 'without a token', () => null, '{ viewer { name } }'],
      ['UNAUTHENTICATED', 'with a token nobody issued', () => 'no-such-token', '{ viewer { name } }'],
      ['FORBIDDEN', 'by a reader', () => readerToken, 'mutation { createGroup(name: "x") { id } }'],
      ['BAD_USER_INPUT', 'by an admin', () => TEST_ADMIN_TOKEN, 'mutation { createGroup(name: "   ") { id } }', 'name'],
      ['BAD_USER_INPUT', 'by an admin', () => TEST_ADMIN_TOKEN, '{ users(first: 201) { totalCount } }', 'first'],
      ['BAD_USER_INPUT', 'by an admin', () => TEST_ADMIN_TOKEN, `{ connectors { syncRuns(after: "${Buffer.from(JSON.stringify(['not a time', 'x'])).toString('base64url')}") { totalCount } } }`, 'after'],
      ['NOT_FOUND', 'by an admin', () => TEST_ADMIN_TOKEN, 'mutation { revokeAdminToken(id: "missing") { id } }'],
      ['CONFLICT', 'by an admin', () => TEST_ADMIN_TOKEN, 'mutation { createAdminToken(name: "dashboard", role: READER) { token } }', 'name'],
    ];
    for (const [code, who, token, query, field] of cases) {
      it(`when ${query} is sent ${who}, then the error is ${code}${field ? ` naming ${field}` : ''}`, async () => {
        const { body } = await send(token(), query);
        assert.equal(body.errors?.[0].extensions?.code, code, JSON.stringify(body.errors));
        if (field) assert.equal(body.errors[0].extensions.field, field);
        assert.equal(body.errors[0].extensions.stacktrace, undefined);
      });
    }

    it('when a resolver fails inside, then the answer hides why, and the log has the error under the request id the answer carries', async () => {
      // A table gone from under the server: the failure of a real statement, as a broken database would give.
      await server.dataSource.query('DROP TABLE audit_events');
      const { requestId, body } = await send(TEST_ADMIN_TOKEN, '{ auditEvents { totalCount } }');
      assert.equal(body.errors[0].extensions.code, 'INTERNAL_SERVER_ERROR');
      assert.match(body.errors[0].message, /X-Request-Id/);
      assert.doesNotMatch(JSON.stringify(body), /audit_events|SELECT |SQLITE_|ER_NO_SUCH_TABLE|no such table/);
      const logged = lines.find((line) => line.reqId === requestId && line.msg === 'graphql request failed');
      assert.ok(logged, `no log line for ${requestId}`);
      assert.match(JSON.stringify(logged.err), /audit_events/);
    });
  });
}
