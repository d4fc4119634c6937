import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { startTestServer, TestServer } from '../support/server';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

for (const kind of databaseKinds()) {
  describe(`provisioning events on ${kind}`, () => {
    let server: TestServer;
    const events = async (connectorId: string) =>
      (await server.dataSource.query('SELECT operation, resourceId, status FROM provisioning_events WHERE connectorId = ? ORDER BY id', [connectorId])) as Array<{
        operation: string;
        resourceId: string | null;
        status: number;
      }>;

    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.close());

    it('when one connector sends a hostile id in the same batch as another connector’s creates, then every event is kept', async () => {
      const entra = await createConnector(server.url, 'Entra');
      const other = await createConnector(server.url, 'Other');
      const creates = Array.from({ length: 5 }, (_, index) =>
        scim(entra.baseUrl, entra.token, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: `batch.${index}@example.com` }),
      );
      const hostile = scim(other.baseUrl, other.token, 'DELETE', `/Users/00000000-0000-0000-0000-000000000000' or '1'='1`);
      const replies = await Promise.all([...creates, hostile]);
      assert.deepEqual(replies.map((reply) => reply.status), [201, 201, 201, 201, 201, 404]);
      await server.services.provisioningLog.flush();
      assert.deepEqual((await events(entra.id)).map((event) => [event.operation, Number(event.status)]), Array(5).fill(['CREATE', 201]));
      // No id is that long: the event says which request failed, and names no resource.
      assert.deepEqual(await events(other.id), [{ operation: 'DELETE', resourceId: null, status: 404 }]);
      assert.equal(server.services.provisioningLog.dropped, 0);
    });

    it('when an event cannot be stored even alone, then only it is dropped, and /metrics counts it', async () => {
      const entra = await createConnector(server.url, 'Kept');
      const log = server.services.provisioningLog;
      const droppedBefore = log.dropped;
      const event = (connectorId: string, index: number) => ({
        connectorId,
        at: new Date(),
        operation: 'CREATE' as const,
        resourceType: 'User' as const,
        resourceId: `00000000-0000-0000-0000-00000000000${index}`,
        status: 201,
        durationMs: 1,
      });
      // A connector deleted while its events waited: the foreign key refuses its event on both databases.
      log.record(event(entra.id, 1));
      log.record(event('11111111-1111-1111-1111-111111111111', 2));
      log.record(event(entra.id, 3));
      await log.flush();
      assert.deepEqual((await events(entra.id)).map((row) => row.resourceId), [event(entra.id, 1).resourceId, event(entra.id, 3).resourceId]);
      assert.equal(log.dropped, droppedBefore + 1);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, new RegExp(`^scimdir_provisioning_events_dropped_total ${droppedBefore + 1}$`, 'm'));
    });
  });
}
