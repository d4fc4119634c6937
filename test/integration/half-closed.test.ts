import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { startTestServer, TestServer } from '../support/server';

/** Sends `request` whole, half-closes the socket (FIN, still reading), and answers all that comes back. */
function sendAndHalfClose(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

for (const kind of databaseKinds()) {
  describe(`a client that half-closes its connection, on ${kind}`, () => {
    let server: TestServer;
    let connector: { id: string; baseUrl: string; token: string };

    before(async () => {
      server = await startTestServer(kind);
      connector = await createConnector(server.url);
    });
    after(() => server.close());

    it('when a complete POST /Users is followed by a FIN, then the client still reads the 201 of the user that was stored', async () => {
      const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'half.closed@example.com' });
      const path = new URL(connector.baseUrl).pathname;
      const answer = await sendAndHalfClose(
        server.url,
        [`POST ${path}/Users HTTP/1.1`, `Host: ${new URL(server.url).host}`, `Authorization: Bearer ${connector.token}`, 'Content-Type: application/scim+json', `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'),
      );
      assert.match(answer, /^HTTP\/1\.1 201 /);
      const id = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).id;
      const stored = await scim(connector.baseUrl, connector.token, 'GET', `/Users/${id}`);
      assert.equal(stored.json.userName, 'half.closed@example.com');
    });
  });
}
