import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../src/db/columns';
import { AuditEventEntity, ConnectorTokenEntity } from '../../src/db/entities';
import { DomainError } from '../../src/domain/errors';
import { hashToken } from '../../src/domain/secrets';
import { databaseKinds } from '../support/databases';
import { graphql, issueReaderToken, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const CREATE = `mutation ($name: String!) {
  createConnector(input: { name: $name }) { connector { id name scimBaseUrl enabled } token }
}`;
const ROTATE = `mutation ($id: ID!, $grace: Int) { rotateConnectorToken(connectorId: $id, graceSeconds: $grace) { token } }`;

for (const kind of databaseKinds()) {
  describe(`connectors over GraphQL on ${kind}`, () => {
    let server: TestServer;
    let readerToken: string;

    before(async () => {
      server = await startTestServer(kind);
      readerToken = await issueReaderToken(server);
    });
    after(() => server.close());

    async function createConnector(name: string) {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, CREATE, { name });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      return answer.data.createConnector as { connector: { id: string; name: string; scimBaseUrl: string; enabled: boolean }; token: string };
    }

    /** True when the connector's SCIM endpoint would accept this token. */
    async function accepts(connectorId: string, token: string): Promise<boolean> {
      try {
        await server.services.connectors.authenticate(connectorId, token);
        return true;
      } catch (error) {
        if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') return false;
        throw error;
      }
    }

    it('when an admin creates a connector, then it answers the connector, its SCIM base URL and a strong token', async () => {
      const { connector, token } = await createConnector('  Contoso Entra  ');
      assert.equal(connector.name, 'Contoso Entra');
      assert.equal(connector.enabled, true);
      assert.equal(connector.scimBaseUrl, `${server.url}/scim/v2/${connector.id}`);
      assert.ok(Buffer.from(token.replace(/^scim_/, ''), 'base64url').length >= 32);
      assert.equal(await accepts(connector.id, token), true);
    });

    it('when tokens have been issued, then no table holds one in clear', async () => {
      const { token } = await createConnector('Clear-text check');
      const { token: rotated } = (await graphql(server.url, TEST_ADMIN_TOKEN, ROTATE, { id: (await createConnector('Rotated')).connector.id })).data
        .rotateConnectorToken;
      const secrets = [token, rotated, TEST_ADMIN_TOKEN, readerToken];
      const tables = [...server.dataSource.entityMetadatas.map((metadata) => metadata.tableName), 'migrations'];
      let cells = 0;
      for (const table of tables) {
        const rows: Array<Record<string, unknown>> = await server.dataSource.query(`SELECT * FROM ${table}`);
        for (const row of rows) {
          for (const value of Object.values(row)) {
            cells += 1;
            const text = value instanceof Date ? value.toISOString() : JSON.stringify(value);
            for (const secret of secrets) {
              assert.ok(!text?.includes(secret.slice(12)), `${table} holds a token in clear`);
            }
          }
        }
      }
      assert.ok(cells > 50, 'the check read the tables');
      const stored = await server.dataSource.getRepository(ConnectorTokenEntity).findOneBy({ hash: hashToken(token) });
      assert.ok(stored, 'the token is stored as its SHA-256');
      assert.ok(token.startsWith(stored.prefix));
    });

    it('when the connectors are listed or one is read, then they answer what was created', async () => {
      const { connector } = await createConnector('Listed');
      const answer = await graphql(
        server.url,
        readerToken,
        `query ($id: ID!) { connectors { id name scimBaseUrl enabled createdAt } connector(id: $id) { id name } missing: connector(id: "nope") { id } }`,
        { id: connector.id },
      );
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const listed = answer.data.connectors.find((item: { id: string }) => item.id === connector.id);
      assert.equal(listed.name, 'Listed');
      assert.ok(!Number.isNaN(Date.parse(listed.createdAt)));
      assert.deepEqual(answer.data.connector, { id: connector.id, name: 'Listed' });
      assert.equal(answer.data.missing, null);
    });

    for (const [label, token] of [
      ['no token', null],
      ['a wrong token', 'admin_wrong'],
      ['a connector token', 'scim_not-an-admin-token'],
    ] as const) {
      it(`when a request carries ${label}, then it gets UNAUTHENTICATED and HTTP 401`, async () => {
        const answer = await graphql(server.url, token, '{ connectors { id } }');
        assert.equal(answer.status, 401);
        assert.equal(answer.errors?.[0].extensions?.code, 'UNAUTHENTICATED');
        assert.equal(answer.data, undefined);
      });
    }

    it('when a reader calls a mutation, then it gets FORBIDDEN and nothing is created', async () => {
      const before = await server.services.connectors.list({ requestId: 't', actor: { kind: 'admin', tokenId: null, name: 't', role: 'ADMIN' } });
      const answer = await graphql(server.url, readerToken, CREATE, { name: 'Not allowed' });
      assert.equal(answer.errors?.[0].extensions?.code, 'FORBIDDEN');
      const afterwards = await server.services.connectors.list({ requestId: 't', actor: { kind: 'admin', tokenId: null, name: 't', role: 'ADMIN' } });
      assert.equal(afterwards.length, before.length);
    });

    it('when the name is blank, then BAD_USER_INPUT names the field', async () => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, CREATE, { name: '   ' });
      assert.equal(answer.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
      assert.equal(answer.errors?.[0].extensions?.field, 'name');
    });

    it('when a token is rotated without grace, then only the new token works', async () => {
      const { connector, token } = await createConnector('Rotate now');
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, ROTATE, { id: connector.id });
      const fresh = answer.data.rotateConnectorToken.token as string;
      assert.notEqual(fresh, token);
      assert.equal(await accepts(connector.id, token), false);
      assert.equal(await accepts(connector.id, fresh), true);
    });

    it('when a token is rotated with a grace period, then the old and the new token both work', async () => {
      const { connector, token } = await createConnector('Rotate with grace');
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, ROTATE, { id: connector.id, grace: 3600 });
      const fresh = answer.data.rotateConnectorToken.token as string;
      assert.equal(await accepts(connector.id, token), true);
      assert.equal(await accepts(connector.id, fresh), true);
      const old = await server.dataSource.getRepository(ConnectorTokenEntity).findOneByOrFail({ hash: hashToken(token) });
      const remaining = (old.expiresAt!.getTime() - Date.now()) / 1000;
      assert.ok(remaining > 3500 && remaining <= 3600, `the old token ends in about an hour, not ${remaining}s`);
      // A later rotation without grace ends the grace of the first.
      const third = (await graphql(server.url, TEST_ADMIN_TOKEN, ROTATE, { id: connector.id })).data.rotateConnectorToken.token;
      assert.equal(await accepts(connector.id, token), false);
      assert.equal(await accepts(connector.id, fresh), false);
      assert.equal(await accepts(connector.id, third), true);
    });

    it('when the grace period is negative, or the connector unknown, then the answer says so and no token is made', async () => {
      const { connector } = await createConnector('Bad rotation');
      const count = () => server.dataSource.getRepository(ConnectorTokenEntity).countBy({ connectorId: connector.id });
      const negative = await graphql(server.url, TEST_ADMIN_TOKEN, ROTATE, { id: connector.id, grace: -1 });
      assert.equal(negative.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
      assert.equal(negative.errors?.[0].extensions?.field, 'graceSeconds');
      const unknown = await graphql(server.url, TEST_ADMIN_TOKEN, ROTATE, { id: newId() });
      assert.equal(unknown.errors?.[0].extensions?.code, 'NOT_FOUND');
      assert.equal(await count(), 1);
    });

    it('when one connector’s token is sent for another connector, then it is refused', async () => {
      const first = await createConnector('First');
      const second = await createConnector('Second');
      assert.equal(await accepts(second.connector.id, first.token), false);
      assert.equal(await accepts(first.connector.id, second.token), false);
    });

    it('when connectors are created and rotated, then each change is audited with its actor', async () => {
      const { connector } = await createConnector('Audited');
      await graphql(server.url, TEST_ADMIN_TOKEN, ROTATE, { id: connector.id, grace: 60 });
      const events = await server.dataSource.getRepository(AuditEventEntity).find({ where: { targetId: connector.id }, order: { id: 'ASC' } });
      assert.deepEqual(
        events.map((event) => [event.action, event.actor]),
        [
          ['connector.create', 'ADMIN_TOKEN'],
          ['connector.rotateToken', 'ADMIN_TOKEN'],
        ],
      );
      assert.equal(events[1].after?.graceSeconds, 60);
    });

    it('when the probes and the metrics are read, then they answer', async () => {
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/);
      assert.match(metrics, /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz"\} \d+/);
    });
  });
}
