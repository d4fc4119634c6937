/**
 * One benchmark run against several servers, one after the other on this machine: starts each,
 * runs scim-load against it in a process of its own (so that client and server do not share an
 * event loop), stops it, and prints requests/s per phase with ratios to the scimmy comparator.
 *
 *   node dist/scripts/bench/compare.js [--users N] [--groups G] [--concurrency C] [--targets scimmy,limit,sqlite,mysql]
 *
 * With --baseline <checkout>, the targets sqlite-baseline and mysql-baseline run that build of
 * this project (say, an older commit's), and the p50 table gives each target's ratio to its
 * baseline: what a change costs, measured back to back on the same machine. With --baseline
 * idp-only they run this build with the directory not following SCIM writes: what reconciliation
 * adds, and nothing else.
 *
 * With --rounds N, the targets run N times over, in turn (a, b, then b, a, …), each time on a fresh
 * server and database, and each phase shows its median round by p50: single runs of the same
 * build differ by a quarter or more here, as group commits batch requests differently.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Command, Option } from 'commander';
import { commaList, positiveNumber, wholeNumber } from './options';
import { BenchReport, formatFlat, formatPeakRss, pad } from './report';
import type { PhaseResult } from './stats';
import { Cleanups, IDP_ONLY, RunningTarget, Target, TargetContext, TARGETS } from './targets';
import { PHASES } from './workload';

const BASELINE = 'scimmy';
const SCIM_LOAD = path.join(__dirname, 'scim-load.js');
const PHASE_COLUMN = -16;
const TARGET_COLUMN = 18;
/** Lines of a failed scim-load's stderr kept for the summary. */
const FAILURE_LINES = 3;

interface CompareOptions {
  users: number;
  groups: number;
  concurrency: number;
  memberBatch: number;
  bigGroup: number;
  flatAdds: number;
  targets: string[];
  phases: string[];
  workDir: string;
  peersDir: string;
  baseline?: string;
  rounds: number;
}

type Outcome = { target: Target; report: BenchReport } | { target: Target; failure: string };

function parseCli(argv: string[]): CompareOptions {
  const names = TARGETS.map((target) => target.name);
  return new Command('compare')
    .description('Benchmark several SCIM servers in one run and compare them with the scimmy comparator.')
    .option('--users <n>', 'users to create', positiveNumber, 10_000)
    .option('--groups <n>', 'groups to create', positiveNumber, 100)
    .option('--concurrency <n>', 'requests in flight at once', positiveNumber, 8)
    .option('--member-batch <n>', 'members per member-add PATCH', positiveNumber, 50)
    .option('--big-group <n>', 'members of the big group in the group-size check (0 skips it)', wholeNumber, 50_000)
    .option('--flat-adds <n>', 'single-member adds to each group in the group-size check', positiveNumber, 200)
    .addOption(
      new Option('--targets <list>', `comma-separated servers, of ${names.join(',')}`)
        .argParser(commaList)
        .default(['scimmy', 'limit', 'sqlite', 'mysql'], 'scimmy,limit,sqlite,mysql'),
    )
    .addOption(
      new Option('--phases <list>', `comma-separated phases, of ${PHASES.join(',')}`).argParser(commaList).default([...PHASES], 'all'),
    )
    .option('--work-dir <dir>', 'scratch directory for peer copies, databases and server logs', path.join(os.tmpdir(), 'scimdir-bench'))
    .option('--peers-dir <dir>', 'where the peer servers live (read only)', path.resolve(__dirname, '../../../../shared/peers'))
    .option('--rounds <n>', 'times to run every target, in turn (every other round in reverse order); each phase shows its median round', positiveNumber, 1)
    .option(
      '--baseline <dir>',
      `what the sqlite-baseline and mysql-baseline targets run: a checkout of this project, built, or ${IDP_ONLY} (this build, the directory not following SCIM writes)`,
    )
    .parse(argv)
    .opts<CompareOptions>();
}

function scimLoadArgs(options: CompareOptions, target: Target, running: RunningTarget): string[] {
  const phases = options.phases.filter((phase) => target.phases === undefined || (target.phases as readonly string[]).includes(phase));
  return [
    SCIM_LOAD,
    '--json',
    ...['--base-url', running.baseUrl, '--token', running.token, '--pid', String(running.pid)],
    ...['--users', String(options.users), '--groups', String(options.groups), '--concurrency', String(options.concurrency)],
    ...['--member-batch', String(options.memberBatch), '--big-group', String(options.bigGroup), '--flat-adds', String(options.flatAdds)],
    ...['--phases', phases.join(','), ...target.loadArgs],
  ];
}

/** Runs scim-load in a child process, passing its progress through, and answers its JSON report. */
function runScimLoad(name: string, args: string[], cleanups: Cleanups): Promise<BenchReport> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.add(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  const stdout: Buffer[] = [];
  const lastLines: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    console.error(`[${name}] ${line}`);
    lastLines.push(line);
    if (lastLines.length > FAILURE_LINES) lastLines.shift();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(JSON.parse(Buffer.concat(stdout).toString('utf8')) as BenchReport);
      else reject(new Error(lastLines.join('\n') || `scim-load exited with ${code}`));
    });
  });
}

async function benchmark(target: Target, options: CompareOptions, context: TargetContext, cleanups: Cleanups): Promise<Outcome> {
  try {
    console.error(`[compare] ${target.name}: starting`);
    const running = await target.start(context, cleanups);
    console.error(`[compare] ${target.name}: pid ${running.pid}, SCIM base URL ${running.baseUrl}`);
    return { target, report: await runScimLoad(target.name, scimLoadArgs(options, target, running), cleanups) };
  } catch (error) {
    return { target, failure: error instanceof Error ? error.message : String(error) };
  } finally {
    await cleanups.runAll();
  }
}

function phaseOf(outcome: Outcome | undefined, name: string): PhaseResult | undefined {
  return outcome && 'report' in outcome ? outcome.report.phases.find((phase) => phase.name === name) : undefined;
}

/** Phase names in the order the reports ran them (flat-setup sits before flat). */
function phaseNames(outcomes: Outcome[]): string[] {
  const names = new Set<string>();
  for (const outcome of outcomes) if ('report' in outcome) for (const phase of outcome.report.phases) names.add(phase.name);
  return [...names];
}

function table(title: string, outcomes: Outcome[], cell: (phase: PhaseResult, name: string, outcome: Outcome) => string): string[] {
  const header = [pad(title, PHASE_COLUMN), ...outcomes.map((o) => pad(o.target.name, TARGET_COLUMN))].join(' ');
  const rows = phaseNames(outcomes).map((name) =>
    [
      pad(name, PHASE_COLUMN),
      ...outcomes.map((outcome) => {
        const phase = phaseOf(outcome, name);
        return pad(phase ? cell(phase, name, outcome) : '-', TARGET_COLUMN);
      }),
    ].join(' '),
  );
  return [header, ...rows, ''];
}

/** `value`, and its ratio to `base` when there is one. */
function withRatio(value: number, base: number | undefined, digits: number): string {
  return base ? `${value.toFixed(digits)} (${(value / base).toFixed(2)}x)` : value.toFixed(digits);
}

function formatComparison(outcomes: Outcome[]): string {
  const baseline = outcomes.find((outcome) => outcome.target.name === BASELINE);
  const throughput = (phase: PhaseResult, name: string) => {
    const base = phaseOf(baseline, name);
    const rps = phase.requestsPerSecond.toFixed(0);
    if (!base || base.requestsPerSecond === 0 || phase === base) return rps;
    return `${rps} (${(phase.requestsPerSecond / base.requestsPerSecond).toFixed(2)}x)`;
  };
  const hasBaseline = outcomes.some((outcome) => outcome.target.name.endsWith('-baseline'));
  /** The -baseline target that a target of this project is compared with. */
  const baselineOf = (outcome: Outcome) => outcomes.find((other) => other.target.name === `${outcome.target.name}-baseline`);
  const lines = [
    ...table(baseline ? `req/s (x ${BASELINE})` : 'req/s', outcomes, throughput),
    ...table(hasBaseline ? 'p50 ms (x baseline)' : 'p50 ms', outcomes, (phase, name, outcome) =>
      withRatio(phase.p50Ms, phaseOf(baselineOf(outcome), name)?.p50Ms, 2),
    ),
    ...table('p99 ms', outcomes, (phase) => phase.p99Ms.toFixed(1)),
    ...table(hasBaseline ? 'server CPU µs/req (x baseline)' : 'server CPU µs/req', outcomes, (phase, name, outcome) =>
      phase.serverCpuUsPerRequest === undefined ? '-' : withRatio(phase.serverCpuUsPerRequest, phaseOf(baselineOf(outcome), name)?.serverCpuUsPerRequest, 0),
    ),
    ...table('errors', outcomes, (phase) => `${phase.errors}/${phase.requests}`),
  ];
  for (const outcome of outcomes) {
    const label = `${outcome.target.name}:`;
    if ('failure' in outcome) {
      lines.push(`${label} FAILED: ${outcome.failure}`);
      continue;
    }
    const { report } = outcome;
    if (outcome.target.note) lines.push(`${label} ${outcome.target.note}`);
    if (report.flat) lines.push(`${label} ${formatFlat(report.flat)}`);
    const peakRss = formatPeakRss(report);
    if (peakRss) lines.push(`${label} ${peakRss}`);
    for (const phase of report.phases.filter((p) => p.errors > 0)) {
      lines.push(`${label} ${phase.name}: ${phase.errors} errors, e.g. ${phase.errorSamples[0]}`);
    }
  }
  return lines.join('\n');
}

/**
 * One target's rounds as one outcome: each phase is its median round by p50 (the upper one of an
 * even count), whole, so that a row's figures come from one run; the group-size check is the
 * first round's. A failed round fails the target.
 */
function medianOutcome(rounds: Outcome[]): Outcome {
  const failed = rounds.find((outcome) => 'failure' in outcome);
  if (failed || rounds.length === 1) return failed ?? rounds[0];
  const reports = rounds.map((outcome) => (outcome as { report: BenchReport }).report);
  const phases = reports[0].phases.map((phase) => {
    const runs = reports.flatMap((report) => report.phases.filter((other) => other.name === phase.name)).sort((a, b) => a.p50Ms - b.p50Ms);
    return runs[Math.floor(runs.length / 2)];
  });
  const peaks = reports.flatMap((report) => (report.serverPeakRssMb === undefined ? [] : [report.serverPeakRssMb]));
  return {
    target: rounds[0].target,
    report: { ...reports[0], phases, serverPeakRssMb: peaks.length > 0 ? Math.max(...peaks) : undefined },
  };
}

async function main(): Promise<void> {
  const options = parseCli(process.argv);
  const unknown = options.targets.filter((name) => !TARGETS.some((target) => target.name === name));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; targets are ${TARGETS.map((t) => t.name).join(', ')}`);
  const context: TargetContext = {
    workDir: path.resolve(options.workDir),
    peersDir: path.resolve(options.peersDir),
    projectRoot: path.resolve(__dirname, '..', '..', '..'),
    baseline: options.baseline === IDP_ONLY ? IDP_ONLY : options.baseline && path.resolve(options.baseline),
  };
  fs.mkdirSync(context.workDir, { recursive: true });

  const cleanups = new Cleanups();
  // Neither Ctrl-C nor a timeout's SIGTERM may leave a server running.
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => void cleanups.runAll().then(() => process.exit(status)));
  }
  const rounds: Outcome[][] = options.targets.map(() => []);
  for (let round = 1; round <= options.rounds; round += 1) {
    // Every other round in reverse order: a target starts while the database server (or the disk)
    // may still be busy with what the one before it left, and no target should always follow the
    // same one, as this project's target follows its baseline.
    const order = [...options.targets.entries()];
    if (round % 2 === 0) order.reverse();
    for (const [index, name] of order) {
      if (options.rounds > 1) console.error(`[compare] round ${round} of ${options.rounds}`);
      rounds[index].push(await benchmark(TARGETS.find((t) => t.name === name) as Target, options, context, cleanups));
    }
  }
  const outcomes = rounds.map(medianOutcome);
  const roundsNote = options.rounds > 1 ? `, median of ${options.rounds} rounds` : '';
  process.stdout.write(
    `\n${options.users} users, ${options.groups} groups, concurrency ${options.concurrency}, member batch ${options.memberBatch}${roundsNote}\n\n` +
      `${formatComparison(outcomes)}\n`,
  );
  if (outcomes.some((outcome) => 'failure' in outcome)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`compare: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
