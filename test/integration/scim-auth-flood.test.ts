import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { FAILED_AUTH_RATE } from '../../src/scim/handler';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { startTestServer, TestServer } from '../support/server';

/** GET /Users from a given local address (all of 127.0.0.0/8 is loopback). */
function statusFrom(baseUrl: string, localAddress: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${baseUrl}/Users`, { localAddress, headers: { authorization: `Bearer ${token}` } }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    request.on('error', reject);
  });
}

for (const kind of databaseKinds()) {
  describe(`floods of bad SCIM tokens, on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };

    before(async () => {
      server = await startTestServer(kind, { scimRateLimit: 50 });
      connector = await createConnector(server.url);
    });
    after(() => server.close());

    it('when one client sends a flood of wrong tokens, then it draws 429 with Retry-After, and the connector’s own token still goes through', async () => {
      const replies = [];
      for (let index = 0; index < 300; index += 1) replies.push(await scim(connector.baseUrl, index % 2 ? null : 'scim_wrong', 'GET', '/Users'));
      const statuses = new Set(replies.map((reply) => reply.status));
      assert.deepEqual([...statuses].sort(), [401, 429]);
      // A burst of twice the rate is answered 401 before the first 429.
      assert.ok(replies.slice(0, FAILED_AUTH_RATE * 2).every((reply) => reply.status === 401));
      const limited = replies.find((reply) => reply.status === 429)!;
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assert.equal(limited.json.status, '429');
      assert.match(limited.json.detail, /failed authentication/);
      // The limit is the failing client's: the connector's token from another address goes through at once.
      assert.equal(await statusFrom(connector.baseUrl, '127.0.0.2', connector.token), 200);
      assert.equal(await statusFrom(connector.baseUrl, '127.0.0.2', 'scim_wrong'), 401);
    });
  });
}
