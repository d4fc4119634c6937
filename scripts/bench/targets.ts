/**
 * The servers compare.ts benchmarks: the two peers (copied out of the shared tree, which stays
 * untouched) and this project on SQLite and on MySQL, each started fresh on a free port.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { createScratchDatabase, DatabaseKind, mysqlServerUrl, ScratchDatabase } from '../../test/support/databases';
import type { PhaseName } from './workload';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const POLL_INTERVAL_MS = 200;
const LOG_TAIL_LINES = 15;

export interface TargetContext {
  /** Scratch directory for peer copies, databases and server logs. */
  workDir: string;
  peersDir: string;
  projectRoot: string;
  /**
   * What the -baseline targets run: another build of this project (a checkout with dist/), or
   * 'idp-only', this build with the directory not following SCIM writes (idp-only.ts).
   */
  baseline?: string;
}

/** A started server, ready for scim-load. */
export interface RunningTarget {
  pid: number;
  baseUrl: string;
  token: string;
}

export interface Target {
  name: string;
  /** Phases this server can take; undefined for all. */
  phases?: readonly PhaseName[];
  /** scim-load options this server needs, and why. */
  loadArgs: string[];
  note?: string;
  /** Starts the server; everything it starts or creates is undone by `cleanups`, in reverse. */
  start(context: TargetContext, cleanups: Cleanups): Promise<RunningTarget>;
}

/** Undo actions, run last-in first-out, whatever failed in between. */
export class Cleanups {
  private readonly actions: (() => Promise<void> | void)[] = [];

  add(action: () => Promise<void> | void): void {
    this.actions.push(action);
  }

  async runAll(): Promise<void> {
    for (const action of this.actions.splice(0).reverse()) {
      try {
        await action();
      } catch (error) {
        console.error(`[compare] cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function logTail(logFile: string): string {
  const lines = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n');
  return lines.slice(-LOG_TAIL_LINES).join('\n');
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await gone;
  clearTimeout(timer);
}

/** Starts `node <args>` with its output in `logFile`, stopped (by its pid) at cleanup. */
function startNode(args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string, cleanups: Cleanups): ChildProcess {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  cleanups.add(() => stopProcess(child));
  return child;
}

/** Polls `isReady` until it answers true; fails with the server's log when the server exits or time runs out. */
async function waitUntilReady(child: ChildProcess, logFile: string, isReady: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`the server exited (${child.exitCode ?? child.signalCode}); ${logFile} ends:\n${logTail(logFile)}`);
    if (await isReady().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`the server was not ready after ${START_TIMEOUT_MS / 1000} s; ${logFile} ends:\n${logTail(logFile)}`);
}

async function answers200(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  return response.status === 200;
}

function run(command: string, args: string[], cwd: string, logFile: string): Promise<void> {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(command, args, { cwd, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}); see ${logFile}`)),
    );
  });
}

/** Copies a peer's files (not its node_modules or data) to the scratch directory; installs it once. */
async function preparePeer(context: TargetContext, name: string): Promise<string> {
  const source = path.join(context.peersDir, name);
  const copy = path.join(context.workDir, name);
  fs.mkdirSync(copy, { recursive: true });
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const target = path.join(copy, entry.name);
    // The shared tree is read-only and copies keep its modes: replace rather than overwrite.
    fs.rmSync(target, { force: true });
    fs.copyFileSync(path.join(source, entry.name), target);
    fs.chmodSync(target, 0o644);
  }
  if (!fs.existsSync(path.join(copy, 'node_modules'))) {
    console.error(`[compare] ${name}: npm ci in ${copy} (compiles better-sqlite3, a minute or two)`);
    await run('npm', ['ci', '--no-audit', '--no-fund'], copy, path.join(context.workDir, `${name}-npm-ci.log`));
  }
  return copy;
}

/** A peer answers its ServiceProviderConfig once it listens. */
async function startPeer(
  context: TargetContext,
  cleanups: Cleanups,
  peer: string,
  env: NodeJS.ProcessEnv,
): Promise<RunningTarget> {
  const dir = await preparePeer(context, peer);
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const logFile = path.join(context.workDir, `${peer}-server.log`);
  const child = startNode(['server.mjs'], dir, { ...env, PORT: String(port), SCIM_TOKEN: token }, logFile, cleanups);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(child, logFile, () => answers200(`${baseUrl}/ServiceProviderConfig`, { authorization: `Bearer ${token}` }));
  return { pid: child.pid as number, baseUrl, token };
}

function scratchFile(context: TargetContext, name: string, cleanups: Cleanups): string {
  const file = path.join(context.workDir, `${name}-${randomBytes(4).toString('hex')}.db`);
  cleanups.add(() => {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  });
  return file;
}

const CREATE_CONNECTOR = 'mutation { createConnector(input: { name: "bench" }) { connector { id scimBaseUrl } token } }';

interface GraphQLAnswer<T> {
  data?: T;
  errors?: { message: string }[];
}

/**
 * Sends one GraphQL operation as the admin; fails with the errors' messages when it has any.
 * node:http rather than fetch: fetch gives up on an answer after 5 minutes, and a full sync that
 * is waited for may take longer. A connection of its own each time: one kept alive through a long
 * quiet spell may be closed by the server just as it is reused.
 */
export function adminGraphql<T>(url: string, adminToken: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/graphql`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${adminToken}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          try {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLAnswer<T>;
            if (answer.data && !answer.errors?.length) resolve(answer.data);
            else reject(new Error(answer.errors?.map((error) => error.message).join('; ') ?? `HTTP ${response.statusCode}`));
          } catch {
            reject(new Error(`HTTP ${response.statusCode}: not a GraphQL answer`));
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function createConnector(url: string, adminToken: string): Promise<{ id: string; scimBaseUrl: string; token: string }> {
  try {
    const { createConnector: created } = await adminGraphql<{ createConnector: { connector: { id: string; scimBaseUrl: string }; token: string } }>(
      url,
      adminToken,
      CREATE_CONNECTOR,
    );
    return { ...created.connector, token: created.token };
  } catch (error) {
    throw new Error(`createConnector failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** This project's server, started on a scratch database, with one connector. */
export interface ProjectServer {
  pid: number;
  /** The server's own URL (GraphQL at /graphql). */
  url: string;
  adminToken: string;
  database: ScratchDatabase;
  connector: { id: string; scimBaseUrl: string; token: string };
}

/**
 * This project, built (dist/src/main.js), on a scratch database, with a fresh connector.
 * `nodeArgs` go to node before the script (say, --cpu-prof).
 */
export async function startProjectServer(
  context: TargetContext,
  cleanups: Cleanups,
  kind: DatabaseKind,
  nodeArgs: string[] = [],
  root = context.projectRoot,
): Promise<ProjectServer> {
  const main = path.join(root, 'dist', 'src', 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build first (npx tsc -p .)`);
  const database = await createScratchDatabase(kind);
  cleanups.add(() => database.drop());
  const databaseUrl = database.config.kind === 'sqlite' ? `sqlite:${database.config.file}` : database.config.url;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminToken = randomBytes(20).toString('hex');
  const logFile = path.join(context.workDir, `project-${kind}${root === context.projectRoot ? '' : '-baseline'}-server.log`);
  const env = { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, DATABASE_URL: databaseUrl, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn' };
  const child = startNode([...nodeArgs, main], root, env, logFile, cleanups);
  await waitUntilReady(child, logFile, () => answers200(`${url}/readyz`));
  const connector = await createConnector(url, adminToken);
  return { pid: child.pid as number, url, adminToken, database, connector };
}

async function startProject(context: TargetContext, cleanups: Cleanups, kind: DatabaseKind, root = context.projectRoot, nodeArgs: string[] = []): Promise<RunningTarget> {
  const server = await startProjectServer(context, cleanups, kind, nodeArgs, root);
  return { pid: server.pid, baseUrl: server.connector.scimBaseUrl, token: server.connector.token };
}

async function dropMysqlDatabase(name: string): Promise<void> {
  const connection = await mysql.createConnection(mysqlServerUrl());
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}

/** The --baseline value that runs this build without reconciliation. */
export const IDP_ONLY = 'idp-only';

const USER_PHASES: readonly PhaseName[] = ['creates', 'updates', 'deactivations', 'deletes'];
const REPLACE_ONLY_NOTE = 'users only (no groups); updates sent as Replace only (no Add)';

export const TARGETS: Target[] = [
  {
    name: 'scimmy',
    loadArgs: [],
    start: (context, cleanups) =>
      startPeer(context, cleanups, 'scimmy-sqlite', { RESET_DB: '1', DB_PATH: scratchFile(context, 'scimmy', cleanups) }),
  },
  {
    name: 'limit',
    phases: USER_PHASES,
    loadArgs: ['--replace-only'],
    note: REPLACE_ONLY_NOTE,
    start: (context, cleanups) =>
      startPeer(context, cleanups, 'limit', { DB_PATH: scratchFile(context, 'limit', cleanups) }),
  },
  {
    name: 'limit-mysql',
    phases: USER_PHASES,
    loadArgs: ['--replace-only'],
    note: `${REPLACE_ONLY_NOTE}; MariaDB`,
    start: (context, cleanups) => {
      // The limit server drops and creates this database itself; dropping it afterwards is ours.
      const database = `limit_bench_${randomBytes(4).toString('hex')}`;
      cleanups.add(() => dropMysqlDatabase(database));
      return startPeer(context, cleanups, 'limit', { DATABASE: 'mysql', MYSQL_URL: mysqlServerUrl(), MYSQL_DB: database });
    },
  },
  { name: 'sqlite', loadArgs: [], start: (context, cleanups) => startProject(context, cleanups, 'sqlite') },
  { name: 'mysql', loadArgs: [], start: (context, cleanups) => startProject(context, cleanups, 'mysql') },
  ...(['sqlite', 'mysql'] as const).map(
    (kind): Target => ({
      name: `${kind}-baseline`,
      loadArgs: [],
      note: 'the build given by --baseline',
      start: (context, cleanups) => {
        if (!context.baseline) throw new Error(`the ${kind}-baseline target needs --baseline <checkout with dist/ | idp-only>`);
        if (context.baseline === IDP_ONLY) return startProject(context, cleanups, kind, context.projectRoot, ['-r', path.join(__dirname, 'idp-only.js')]);
        return startProject(context, cleanups, kind, context.baseline);
      },
    }),
  ),
];
