/**
 * The full-sync benchmark: a connector with U users, G groups and M IdP memberships, written
 * straight into the IdP tables of a fresh database, then full syncs through the real server
 * (dist/src/main.js) over GraphQL:
 *
 *   1. initial     no policy: every user and every membership is created;
 *   2. onlyAssign  `app-.*` only: the memberships of the other groups (about half) are removed;
 *   3. unchanged   the same again: nothing to write, the cost of reading and deciding.
 *
 * Each run prints its time, its counts (checked against what the generator wrote) and the
 * server's peak RSS sampled during the run.
 *
 *   node dist/scripts/bench/full-sync.js [--users U] [--groups G] [--memberships M] [--targets sqlite,mysql] [--cpu-prof DIR] [--json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import type { DataSource } from 'typeorm';
import { caseKey, newId } from '../../src/db/columns';
import { createDataSource } from '../../src/db/data-source';
import { sqlTime } from '../../src/db/sql';
import type { SyncCounts } from '../../src/domain/sync/directory-sync.service';
import type { DatabaseKind } from '../../test/support/databases';
import { commaList, positiveNumber } from './options';
import { pad } from './report';
import { RssSampler } from './rss';
import { adminGraphql, Cleanups, ProjectServer, startProjectServer, TargetContext } from './targets';

const KINDS: readonly DatabaseKind[] = ['sqlite', 'mysql'];
/** The issue's targets for 100,000 users, 1,000 groups and 1,000,000 memberships. */
const TARGET_SECONDS: Record<DatabaseKind, number> = { sqlite: 30, mysql: 60 };
const TARGET_PEAK_RSS_MB = 400;
/** Rows per generated INSERT, and INSERTs per generator transaction. */
const LOAD_ROWS = 500;
const LOAD_STATEMENTS_PER_TRANSACTION = 40;
/** Share of users the IdP reports inactive. */
const INACTIVE_EVERY = 50;
const APP_PATTERN = 'app-.*';

const CORE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const GIVEN = ['Alex', 'Maria', 'Jonas', 'Aiko', 'Fatima', 'Lukas', 'Chen', 'Sofia', 'Omar', 'Ines', 'Pavel', 'Zoë'];
const FAMILY = ['Müller', 'Schmidt', 'Okafor', 'Tanaka', 'García', 'Nowak', 'Johansson', 'Rossi', 'Haddad', 'Kim'];
const DEPARTMENTS = ['Sales', 'Engineering', 'Finance', 'Support', 'Marketing', 'Legal'];
const APPS = ['jira', 'confluence', 'bitbucket', 'salesforce', 'zendesk', 'figma'];
const OTHER_KINDS = ['dept', 'team', 'site', 'role'];

interface Options {
  users: number;
  groups: number;
  memberships: number;
  targets: DatabaseKind[];
  workDir: string;
  cpuProf?: string;
  json: boolean;
}


interface RunResult {
  name: string;
  status: string;
  seconds: number;
  counts: SyncCounts;
  expected: Partial<SyncCounts>;
  /** SyncCounts that differ from what the generated data implies, as `name: got ≠ expected`. */
  mismatches: string[];
  peakRssMb: number;
  loadAverage: number;
}

interface TargetResult {
  target: DatabaseKind;
  loadSeconds: number;
  runs: RunResult[];
  /** The server's VmHWM at the end. */
  serverPeakRssMb?: number;
  failure?: string;
}

function parseCli(argv: string[]): Options {
  const options = new Command('full-sync')
    .description('Benchmark full syncs of a large generated connector on this project, over GraphQL.')
    .option('--users <n>', 'IdP users', positiveNumber, 100_000)
    .option('--groups <n>', 'IdP groups', positiveNumber, 1_000)
    .option('--memberships <n>', 'IdP group memberships, spread evenly over the users', positiveNumber, 1_000_000)
    .addOption(new Option('--targets <list>', `comma-separated databases, of ${KINDS.join(',')}`).argParser(commaList).default([...KINDS], KINDS.join(',')))
    .option('--work-dir <dir>', 'scratch directory for databases and server logs', path.join(os.tmpdir(), 'scimdir-bench'))
    .option('--cpu-prof <dir>', 'write a CPU profile of each server to this directory')
    .option('--json', 'print the results as JSON on stdout', false)
    .parse(argv)
    .opts<Options>();
  const unknown = options.targets.filter((name) => !(KINDS as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; targets are ${KINDS.join(', ')}`);
  if (options.memberships > options.users * options.groups) throw new Error('--memberships must not exceed --users times --groups');
  return options;
}

/** A small seeded generator, so that every run (and both databases) get the same directory. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Half of the groups are application groups (`app-…`), the others departments, teams, sites and roles. */
function groupName(index: number): string {
  const number = String(index).padStart(4, '0');
  if (index % 2 === 0) return `app-${APPS[(index / 2) % APPS.length]}-users-${number}`;
  return `${OTHER_KINDS[((index - 1) / 2) % OTHER_KINDS.length]}-${DEPARTMENTS[index % DEPARTMENTS.length].toLowerCase()}-${number}`;
}

function userResource(index: number, next: () => number): { userName: string; externalId: string; displayName: string; active: boolean; resource: object } {
  const given = GIVEN[index % GIVEN.length];
  const family = FAMILY[Math.floor(index / GIVEN.length) % FAMILY.length];
  const userName = `${given.toLowerCase()}.${family.toLowerCase()}.${index}@contoso.example`;
  const displayName = `${given} ${family}`;
  const externalId = `ext-${index}`;
  const active = index % INACTIVE_EVERY !== INACTIVE_EVERY - 1;
  return {
    userName,
    externalId,
    displayName,
    active,
    resource: {
      schemas: [CORE_SCHEMA, ENTERPRISE_SCHEMA],
      externalId,
      userName,
      active,
      displayName,
      name: { givenName: given, familyName: family, formatted: displayName },
      title: next() < 0.5 ? 'Engineer' : 'Consultant',
      emails: [{ type: 'work', value: userName, primary: true }],
      [ENTERPRISE_SCHEMA]: { department: DEPARTMENTS[index % DEPARTMENTS.length], employeeNumber: String(100000 + index) },
    },
  };
}

/** Multi-row INSERTs of `rows`, several per transaction. */
async function insertRows(dataSource: DataSource, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const statement = (count: number) =>
    `INSERT INTO ${table} (${columns.map((column) => `\`${column}\``).join(', ')}) VALUES ${Array.from({ length: count }, () => `(${columns.map(() => '?').join(', ')})`).join(', ')}`;
  const perTransaction = LOAD_ROWS * LOAD_STATEMENTS_PER_TRANSACTION;
  for (let start = 0; start < rows.length; start += perTransaction) {
    const slice = rows.slice(start, start + perTransaction);
    await dataSource.transaction(async (manager) => {
      for (let offset = 0; offset < slice.length; offset += LOAD_ROWS) {
        const batch = slice.slice(offset, offset + LOAD_ROWS);
        await manager.query(statement(batch.length), batch.flat());
      }
    });
  }
}

/**
 * Writes the IdP layer of the server's connector, as SCIM would have left it; answers how many of
 * the memberships are in `app-…` groups.
 */
async function generate(server: ProjectServer, options: Options): Promise<{ appMemberships: number }> {
  const dataSource = await createDataSource(server.database.config);
  await dataSource.initialize();
  try {
    const connectorId = server.connector.id;
    const now = sqlTime(new Date());
    const next = random(42);
    const groupIds = Array.from({ length: options.groups }, () => newId());
    await insertRows(
      dataSource,
      'idp_groups',
      ['id', 'connectorId', 'externalId', 'displayName', 'displayNameKey', 'resource', 'version', 'createdAt', 'updatedAt'],
      groupIds.map((id, index) => {
        const name = groupName(index);
        return [id, connectorId, `grp-${index}`, name, caseKey(name), JSON.stringify({ schemas: [GROUP_SCHEMA], displayName: name, externalId: `grp-${index}` }), 1, now, now];
      }),
    );
    let appMemberships = 0;
    const perUser = Math.floor(options.memberships / options.users);
    const extra = options.memberships % options.users;
    // Users in slices, so that the generator's own memory stays small at any size.
    const slice = LOAD_ROWS * LOAD_STATEMENTS_PER_TRANSACTION;
    for (let first = 0; first < options.users; first += slice) {
      const users: unknown[][] = [];
      const emails: unknown[][] = [];
      const members: unknown[][] = [];
      for (let index = first; index < Math.min(first + slice, options.users); index += 1) {
        const id = newId();
        const user = userResource(index, next);
        users.push([id, connectorId, user.externalId, user.userName, caseKey(user.userName), user.displayName, user.active ? 1 : 0, JSON.stringify(user.resource), 1, now, now]);
        emails.push([id, 0, connectorId, 'work', caseKey(user.userName), 1]);
        const groups = new Set<number>();
        const count = perUser + (index < extra ? 1 : 0);
        while (groups.size < count) groups.add(Math.floor(next() * options.groups));
        for (const group of groups) {
          members.push([groupIds[group], id, 'User', now]);
          if (group % 2 === 0) appMemberships += 1;
        }
      }
      await insertRows(
        dataSource,
        'idp_users',
        ['id', 'connectorId', 'externalId', 'userName', 'userNameKey', 'displayName', 'active', 'resource', 'version', 'createdAt', 'updatedAt'],
        users,
      );
      await insertRows(dataSource, 'idp_user_emails', ['userId', 'position', 'connectorId', 'typeKey', 'valueKey', 'primary'], emails);
      await insertRows(dataSource, 'idp_group_members', ['groupId', 'memberId', 'memberType', 'createdAt'], members);
    }
    return { appMemberships };
  } finally {
    await dataSource.destroy();
  }
}

const RUN_SYNC = `mutation ($id: ID!) {
  runSync(connectorId: $id, wait: true) {
    status usersCreated usersUpdated usersDisabled usersEnabled usersDeleted membershipsAdded membershipsRemoved errors
  }
}`;
const UPDATE_POLICY = 'mutation ($id: ID!, $input: GroupPolicyInput!) { updateGroupPolicy(connectorId: $id, input: $input) { id } }';

async function timedSync(server: ProjectServer, sampler: RssSampler, name: string, expected: Partial<SyncCounts>): Promise<RunResult> {
  sampler.takePhasePeakMb();
  const started = process.hrtime.bigint();
  const { runSync } = await adminGraphql<{ runSync: SyncCounts & { status: string } }>(server.url, server.adminToken, RUN_SYNC, { id: server.connector.id });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { status, ...counts } = runSync;
  const mismatches = Object.entries(expected)
    .filter(([key, value]) => counts[key as keyof SyncCounts] !== value)
    .map(([key, value]) => `${key}: ${counts[key as keyof SyncCounts]} ≠ ${value}`);
  return { name, status, seconds, counts, expected, mismatches, peakRssMb: sampler.takePhasePeakMb(), loadAverage: os.loadavg()[0] };
}

async function benchmark(kind: DatabaseKind, options: Options, context: TargetContext, cleanups: Cleanups): Promise<TargetResult> {
  const result: TargetResult = { target: kind, loadSeconds: 0, runs: [] };
  try {
    const nodeArgs = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProf)}`, `--cpu-prof-name=full-sync-${kind}-${Date.now()}.cpuprofile`] : [];
    const server = await startProjectServer(context, cleanups, kind, nodeArgs);
    console.error(`[full-sync] ${kind}: server pid ${server.pid}; generating ${options.users} users, ${options.groups} groups, ${options.memberships} memberships`);
    const loadStarted = Date.now();
    const { appMemberships } = await generate(server, options);
    result.loadSeconds = (Date.now() - loadStarted) / 1000;
    console.error(`[full-sync] ${kind}: IdP layer written in ${result.loadSeconds.toFixed(1)} s`);
    const sampler = new RssSampler(server.pid);
    try {
      const zero = { usersUpdated: 0, usersDisabled: 0, usersEnabled: 0, usersDeleted: 0, errors: 0 };
      const runs: Array<[name: string, before: (() => Promise<unknown>) | null, expected: Partial<SyncCounts>]> = [
        ['initial', null, { ...zero, usersCreated: options.users, membershipsAdded: options.memberships, membershipsRemoved: 0 }],
        [
          `onlyAssign ${APP_PATTERN}`,
          () => adminGraphql(server.url, server.adminToken, UPDATE_POLICY, { id: server.connector.id, input: { onlyAssign: [APP_PATTERN] } }),
          { ...zero, usersCreated: 0, membershipsAdded: 0, membershipsRemoved: options.memberships - appMemberships },
        ],
        ['unchanged', null, { ...zero, usersCreated: 0, membershipsAdded: 0, membershipsRemoved: 0 }],
      ];
      for (const [name, before, expected] of runs) {
        await before?.();
        const run = await timedSync(server, sampler, name, expected);
        console.error(`[full-sync] ${kind}: ${name}: ${run.seconds.toFixed(1)} s, ${run.status}, peak RSS ${run.peakRssMb.toFixed(0)} MB`);
        result.runs.push(run);
      }
      result.serverPeakRssMb = sampler.processPeakMb();
    } finally {
      sampler.stop();
    }
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
  } finally {
    await cleanups.runAll();
  }
  return result;
}

function format(options: Options, results: TargetResult[]): string {
  const columns: Array<[string, number, (run: RunResult) => string]> = [
    ['run', -22, (run) => run.name],
    ['seconds', 8, (run) => run.seconds.toFixed(1)],
    ['status', -10, (run) => ` ${run.status}`],
    ['created', 8, (run) => String(run.counts.usersCreated)],
    ['updated', 8, (run) => String(run.counts.usersUpdated)],
    ['disabled', 9, (run) => String(run.counts.usersDisabled)],
    ['+members', 9, (run) => String(run.counts.membershipsAdded)],
    ['-members', 9, (run) => String(run.counts.membershipsRemoved)],
    ['errors', 7, (run) => String(run.counts.errors)],
    ['RSS MB', 7, (run) => run.peakRssMb.toFixed(0)],
    ['load', 6, (run) => run.loadAverage.toFixed(2)],
  ];
  const lines = [`${options.users} users, ${options.groups} groups, ${options.memberships} IdP memberships; ${os.cpus().length} CPUs`, ''];
  for (const result of results) {
    if (result.failure) {
      lines.push(`${result.target}: FAILED: ${result.failure}`, '');
      continue;
    }
    lines.push(`${result.target} (IdP layer written in ${result.loadSeconds.toFixed(1)} s)`);
    lines.push(columns.map(([header, width]) => pad(header, width)).join(' '));
    for (const run of result.runs) lines.push(columns.map(([, width, cell]) => pad(cell(run), width)).join(' '));
    const slowest = Math.max(...result.runs.map((run) => run.seconds));
    const peak = Math.max(...result.runs.map((run) => run.peakRssMb));
    lines.push(
      `slowest run ${slowest.toFixed(1)} s (target ≤ ${TARGET_SECONDS[result.target]} s at the default size); ` +
        `peak RSS ${peak.toFixed(0)} MB sampled, ${result.serverPeakRssMb?.toFixed(0) ?? '?'} MB VmHWM (target ≤ ${TARGET_PEAK_RSS_MB} MB)`,
    );
    for (const run of result.runs) if (run.mismatches.length) lines.push(`${run.name}: counts differ from the generated data: ${run.mismatches.join(', ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseCli(process.argv);
  const context: TargetContext = { workDir: path.resolve(options.workDir), peersDir: '', projectRoot: path.resolve(__dirname, '..', '..', '..') };
  fs.mkdirSync(context.workDir, { recursive: true });
  const cleanups = new Cleanups();
  // Neither Ctrl-C nor a timeout's SIGTERM may leave a server or a scratch database behind.
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => void cleanups.runAll().then(() => process.exit(status)));
  }
  const results: TargetResult[] = [];
  for (const kind of options.targets) results.push(await benchmark(kind, options, context, cleanups));
  process.stdout.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : `\n${format(options, results)}\n`);
  if (results.some((result) => result.failure || result.runs.some((run) => run.mismatches.length > 0 || run.status !== 'SUCCEEDED'))) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`full-sync: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
