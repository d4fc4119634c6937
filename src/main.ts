import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, describeDatabase, loadConfig } from './config';
import { createDataSource, migrate } from './db/data-source';
import { createServices } from './domain/services';
import { createHttpServer } from './http/server';
import { createLogger } from './logger';
import { scimPathReader } from './scim/path-reader';

/** How long shutdown waits for requests in flight before it closes their connections. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`config: ${problem}`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);

  const dataSource = await createDataSource(config.database);
  await dataSource.initialize();
  await migrate(dataSource);
  log.info({ database: describeDatabase(config.database) }, 'database migrated');

  const services = createServices(dataSource, { adminToken: config.adminToken, syncLeaseSeconds: config.syncLeaseSeconds, pathReader: scimPathReader }, log);
  const initialToken = await services.adminTokens.ensureInitialToken();
  const app = await createApp(services, config, log);

  const server = createHttpServer(app.handle).listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ host: config.host, port }, 'listening');

  // For the person at the terminal, not the log: the one time the generated token is shown.
  const banner = [
    '',
    `SCIM Directory is listening on http://${config.host}:${port}`,
    `  Dashboard:         ${config.publicUrl}/ (sign in with an admin token)`,
    `  GraphQL admin API: ${config.publicUrl}/graphql`,
    `  SCIM base URLs:    ${config.publicUrl}/scim/v2/<connector id> (createConnector answers each one)`,
    `  Health:            ${config.publicUrl}/healthz, ${config.publicUrl}/readyz, ${config.publicUrl}/metrics`,
  ];
  if (initialToken) {
    banner.push(
      '',
      '  Admin token (shown this once; it is stored hashed):',
      `    ${initialToken}`,
      '  Send it as "Authorization: Bearer <token>" to /graphql.',
    );
  }
  process.stdout.write(`${banner.join('\n')}\n\n`);
  // A full sync cut short when this or another node last stopped is made up for now.
  void services.syncRuns.startDue();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.stop();
    await services.close();
    await dataSource.destroy();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  console.error('failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
