import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { DataSource, Logger } from 'typeorm';
import { createApp } from '../../src/app';
import { newId } from '../../src/db/columns';
import { AdminTokenEntity } from '../../src/db/entities';
import { DEFAULT_SYNC_LEASE_SECONDS } from '../../src/config';
import { createDataSource, migrate } from '../../src/db/data-source';
import { issueToken } from '../../src/domain/secrets';
import { createServices, Services } from '../../src/domain/services';
import { createHttpServer } from '../../src/http/server';
import { scimPathReader } from '../../src/scim/path-reader';
import { createScratchDatabase, DatabaseKind, ScratchDatabase } from './databases';

/** The operator's ADMIN_TOKEN in tests. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

/** A fresh, migrated database with the services on it. */
export interface TestDatabase {
  kind: DatabaseKind;
  scratch: ScratchDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

export async function openTestDatabase(kind: DatabaseKind, logger?: Logger): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(kind);
  const dataSource = await createDataSource(scratch.config, { logger });
  await dataSource.initialize();
  await migrate(dataSource);
  return {
    kind,
    scratch,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await scratch.drop();
    },
  };
}

/** The whole app, as createApp builds it, listening on a free loopback port. */
export interface TestServer extends TestDatabase {
  url: string;
  services: Services;
}

export interface TestServerOptions {
  /** SCIM requests a second per connector (0: unlimited). */
  scimRateLimit?: number;
  /** Sees every SQL statement. */
  logger?: Logger;
  /** How long SCIM traffic may pause before its incremental cycle ends. */
  cycleGapMs?: number;
  /** Where the app logs; silent when left out. */
  log?: pino.Logger;
}

export async function startTestServer(kind: DatabaseKind, options: TestServerOptions = {}): Promise<TestServer> {
  const database = await openTestDatabase(kind, options.logger);
  const log = options.log ?? pino({ level: 'silent' });
  const services = createServices(
    database.dataSource,
    { adminToken: TEST_ADMIN_TOKEN, syncLeaseSeconds: DEFAULT_SYNC_LEASE_SECONDS, pathReader: scimPathReader, cycleGapMs: options.cycleGapMs },
    log,
  );
  // Listen first: the app's public URL names the port the system picked.
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = await createApp(services, { publicUrl: url, scimRateLimit: options.scimRateLimit ?? 0 }, log);
  server.on('request', app.handle);
  return {
    ...database,
    url,
    services,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
      await services.close();
      await database.close();
    },
  };
}

export interface GraphQLAnswer<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string; [key: string]: unknown } }>;
}

/** Sends one GraphQL operation over HTTP, as a dashboard or script would. */
export async function graphql<T = any>(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: GraphQLAnswer['errors'] };
  return { status: response.status, ...body };
}

/** Waits until the full syncs that settings changes started have applied the connector's latest settings. */
export async function fullSyncsSettled(database: TestDatabase, connectorId: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const [state] = await database.dataSource.query('SELECT settingsVersion, syncedSettingsVersion, syncLeaseOwner FROM connectors WHERE id = ?', [connectorId]);
    if (Number(state.settingsVersion) === Number(state.syncedSettingsVersion) && !state.syncLeaseOwner) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the full syncs of connector ${connectorId} did not catch up with its settings`);
}

/** Stores an admin token with the READER role, as an operator would issue one; answers it in clear. */
export async function issueReaderToken(database: TestDatabase): Promise<string> {
  const issued = issueToken('admin');
  await database.dataSource.getRepository(AdminTokenEntity).insert({
    id: newId(),
    name: 'dashboard',
    role: 'READER',
    prefix: issued.prefix,
    hash: issued.hash,
    createdAt: new Date(),
    lastUsedAt: null,
    revokedAt: null,
  });
  return issued.token;
}
