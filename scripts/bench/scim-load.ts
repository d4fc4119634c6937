/**
 * SCIM load benchmark against a running server: provisions users and groups the way Microsoft
 * Entra ID does and prints requests/s and latency percentiles per phase.
 *
 *   node dist/scripts/bench/scim-load.js --base-url <SCIM base URL> --token <bearer> [options]
 *
 * Progress goes to stderr; the table (or, with --json, one JSON object) to stdout.
 */
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { ScimClient } from './http-client';
import { commaList, positiveNumber, wholeNumber } from './options';
import { BenchReport, formatReport } from './report';
import { RssSampler } from './rss';
import type { PhaseResult } from './stats';
import { PHASE_NEEDS, PhaseName, PHASES, Workload, WorkloadOptions } from './workload';

interface CliOptions {
  baseUrl: string;
  token: string;
  users: number;
  groups: number;
  concurrency: number;
  memberBatch: number;
  groupsPerUser: number;
  bigGroup: number;
  flatAdds: number;
  replaceOnly: boolean;
  phases: string[];
  pid?: number;
  json: boolean;
  runId: string;
}

function parseCli(argv: string[]): CliOptions {
  return new Command('scim-load')
    .description('Provision users and groups into a SCIM server the way Entra ID does, and time each phase.')
    .requiredOption('--base-url <url>', 'the SCIM base URL (Users and Groups are under it)')
    .requiredOption('--token <bearer>', 'the bearer token the SCIM endpoint expects')
    .option('--users <n>', 'users to create', positiveNumber, 10_000)
    .option('--groups <n>', 'groups to create', positiveNumber, 100)
    .option('--concurrency <n>', 'requests in flight at once', positiveNumber, 8)
    .option('--member-batch <n>', 'members per member-add PATCH', positiveNumber, 50)
    .option('--groups-per-user <n>', 'groups each user joins', positiveNumber, 3)
    .option('--big-group <n>', 'members of the big group in the group-size check (0 skips it)', wholeNumber, 50_000)
    .option('--flat-adds <n>', 'single-member adds to each group in the group-size check', positiveNumber, 200)
    .option('--replace-only', 'send user updates as Replace operations only (for servers without Add)', false)
    .addOption(
      new Option('--phases <list>', `comma-separated phases to run, of ${PHASES.join(',')}`)
        .argParser(commaList)
        .default([...PHASES], 'all'),
    )
    .option('--pid <pid>', "the server's process id, to sample its RSS from /proc", positiveNumber)
    .option('--json', 'print one JSON object instead of the table', false)
    .addOption(
      new Option('--run-id <id>', 'prefix of every name this run creates').default(randomBytes(4).toString('hex'), 'random'),
    )
    .parse(argv)
    .opts<CliOptions>();
}

/** The asked-for phases in their fixed order; refuses unknown ones and ones missing their input. */
function selectPhases(asked: string[], bigGroup: number): PhaseName[] {
  const unknown = asked.filter((name) => !(PHASES as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`unknown phase(s) ${unknown.join(', ')}; phases are ${PHASES.join(', ')}`);
  const selected = PHASES.filter((phase) => asked.includes(phase) && !(phase === 'flat' && bigGroup === 0));
  for (const phase of selected) {
    const missing = PHASE_NEEDS[phase].filter((needed) => !selected.includes(needed));
    if (missing.length) throw new Error(`phase ${phase} needs phase(s) ${missing.join(', ')} in the same run`);
  }
  return selected;
}

async function runBenchmark(cli: CliOptions): Promise<BenchReport> {
  const phases = selectPhases(cli.phases, cli.bigGroup);
  const options: WorkloadOptions = {
    runId: cli.runId,
    users: cli.users,
    groups: cli.groups,
    concurrency: cli.concurrency,
    memberBatch: cli.memberBatch,
    groupsPerUser: cli.groupsPerUser,
    bigGroup: cli.bigGroup,
    flatAdds: cli.flatAdds,
    replaceOnly: cli.replaceOnly,
  };
  const client = new ScimClient(cli.baseUrl, cli.token, cli.concurrency);
  const rss = cli.pid === undefined ? undefined : new RssSampler(cli.pid);
  const workload = new Workload(client, options, rss, (line) => console.error(`[scim-load] ${line}`));
  const results: PhaseResult[] = [];
  try {
    await workload.testConnection();
    for (const phase of phases) results.push(...(await workload.run(phase)));
  } finally {
    client.close();
    rss?.stop();
  }
  const { runId, ...shown } = options;
  return {
    runId,
    baseUrl: cli.baseUrl,
    options: shown,
    phases: results,
    ...(workload.flat ? { flat: workload.flat } : {}),
    ...(rss ? { serverPeakRssMb: rss.processPeakMb() } : {}),
  };
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv);
  const report = await runBenchmark(cli);
  process.stdout.write(cli.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
}

main().catch((error: unknown) => {
  console.error(`scim-load: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
