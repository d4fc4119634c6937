import { Command, Option } from 'commander';
import { ApiError } from './api';
import { CliContext, resolveConnector } from './context';
import { json, table } from './output';

const RUN_FIELDS =
  'id kind status startedAt finishedAt usersProcessed usersTotal usersCreated usersUpdated usersDisabled usersEnabled usersDeleted membershipsAdded membershipsRemoved errors diff';

interface Run {
  id: string;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  usersProcessed: number;
  usersTotal: number | null;
  usersCreated: number;
  usersUpdated: number;
  usersDisabled: number;
  usersEnabled: number;
  usersDeleted: number;
  membershipsAdded: number;
  membershipsRemoved: number;
  errors: number;
  diff: Record<string, string[]> | null;
}

/** How often a running sync is looked at. */
const POLL_MS = 500;
const BAR_WIDTH = 30;

/** `[#####-----] 1200/5000 users` */
export function progressBar(processed: number, total: number | null): string {
  const whole = Math.max(total ?? 0, processed, 1);
  const filled = Math.round((BAR_WIDTH * processed) / whole);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${processed}/${total ?? '?'} users`;
}

export function syncCommand(cli: CliContext): Command {
  const sync = new Command('sync').description('Full syncs of a connector.');
  sync
    .command('run')
    .description('Runs a full sync (or, with --dry-run, a preview that writes nothing), shows its progress, and prints its counts. Exits 2 unless it succeeded.')
    .addOption(new Option('--connector <id or name>', 'the connector').makeOptionMandatory())
    .option('--dry-run', 'compute the changes without writing them; prints samples of each kind')
    .option('--progress', 'draw a progress bar on stderr (the default when stderr is a terminal)')
    .option('--no-progress', 'draw no progress bar')
    .option('--json', 'print the finished run as JSON')
    .action(async (options: { connector: string; dryRun?: boolean; progress?: boolean; json?: boolean }) => {
      const api = cli.api();
      const { id, name } = await resolveConnector(api, options.connector);
      let { runSync: run } = await api.request<{ runSync: Run }>(`mutation ($id: ID!, $dryRun: Boolean!) { runSync(connectorId: $id, dryRun: $dryRun) { ${RUN_FIELDS} } }`, {
        id,
        dryRun: Boolean(options.dryRun),
      });
      const drawing = options.progress ?? cli.stderrIsTTY;
      const draw = (line: string, end = false) => {
        if (drawing) process.stderr.write(`\r${line}${end ? '\n' : ''}`);
      };
      while (run.status === 'RUNNING') {
        draw(progressBar(run.usersProcessed, run.usersTotal));
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        const { syncRun } = await api.request<{ syncRun: Run | null }>(`query ($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: run.id });
        if (!syncRun) throw new ApiError(`sync run ${run.id} is gone`);
        run = syncRun;
      }
      draw(progressBar(run.usersProcessed, run.usersTotal), true);
      if (options.json) cli.out(json(run));
      else printRun(cli, name, run);
      if (run.status !== 'SUCCEEDED') throw new ApiError(`the ${run.kind === 'PREVIEW' ? 'preview' : 'sync'} ended ${run.status}: see its log (syncRun(id: "${run.id}") { log { … } })`);
    });
  return sync;
}

function printRun(cli: CliContext, connector: string, run: Run): void {
  const preview = run.kind === 'PREVIEW';
  cli.out(`${preview ? 'Preview' : 'Full sync'} of ${connector}: ${run.status} (run ${run.id})`);
  const rows: Array<[string, number, string]> = [
    ['users created', run.usersCreated, 'created'],
    ['users updated', run.usersUpdated, 'updated'],
    ['users disabled', run.usersDisabled, 'disabled'],
    ['users enabled', run.usersEnabled, 'enabled'],
    ['users deleted', run.usersDeleted, 'deleted'],
    ['memberships added', run.membershipsAdded, 'membershipsAdded'],
    ['memberships removed', run.membershipsRemoved, 'membershipsRemoved'],
    ['errors', run.errors, 'errors'],
  ];
  cli.out(
    table(
      preview ? ['change', 'count', 'samples'] : ['change', 'count'],
      rows.map(([label, count, kind]) => (preview ? [label, count, (run.diff?.[kind] ?? []).join('; ')] : [label, count])),
    ),
  );
}
