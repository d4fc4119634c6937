/** What one benchmark run answers, and its plain-text table. */
import type { PhaseResult } from './stats';
import type { FlatResult, WorkloadOptions } from './workload';

export interface BenchReport {
  runId: string;
  baseUrl: string;
  options: Omit<WorkloadOptions, 'runId'>;
  phases: PhaseResult[];
  flat?: FlatResult;
  /** The server's VmHWM at the end of the run, when its pid was given. */
  serverPeakRssMb?: number;
}

/** The targets, printed beside the figures they judge. */
export const TARGET_FLAT_RATIO = 2;
export const TARGET_PEAK_RSS_MB = 250;

const COLUMNS: [header: string, width: number, cell: (phase: PhaseResult) => string][] = [
  ['phase', -16, (p) => p.name],
  ['requests', 9, (p) => String(p.requests)],
  ['seconds', 8, (p) => p.seconds.toFixed(2)],
  ['req/s', 8, (p) => p.requestsPerSecond.toFixed(0)],
  ['p50 ms', 8, (p) => p.p50Ms.toFixed(2)],
  ['p95 ms', 8, (p) => p.p95Ms.toFixed(2)],
  ['p99 ms', 8, (p) => p.p99Ms.toFixed(2)],
  ['max ms', 9, (p) => p.maxMs.toFixed(1)],
  ['errors', 7, (p) => String(p.errors)],
  ['RSS MB', 7, (p) => (p.peakRssMb === undefined ? '-' : p.peakRssMb.toFixed(0))],
];

/** Pads to |width|, on the right for a negative width (text) and on the left otherwise (numbers). */
export function pad(text: string, width: number): string {
  return width < 0 ? text.padEnd(-width) : text.padStart(width);
}

export function formatFlat(flat: FlatResult): string {
  const verdict = flat.ratio <= TARGET_FLAT_RATIO ? 'meets' : 'misses';
  return (
    `group-size check: median single-member add ${flat.smallGroupP50Ms.toFixed(2)} ms to a ${flat.smallGroupMembers}-member group, ` +
    `${flat.bigGroupP50Ms.toFixed(2)} ms to a ${flat.bigGroupMembers}-member group: ratio ${flat.ratio.toFixed(2)} ` +
    `(${verdict} the target of at most ${TARGET_FLAT_RATIO})`
  );
}

/**
 * The largest RSS sampled during the provisioning phases: the RSS target is about the
 * 10,000-user run, and the group-size check's setup adds tens of thousands of users on top.
 */
export function provisioningPeakRssMb(report: BenchReport): number | undefined {
  const peaks = report.phases
    .filter((phase) => !phase.name.startsWith('flat'))
    .flatMap((phase) => (phase.peakRssMb === undefined ? [] : [phase.peakRssMb]));
  return peaks.length ? Math.max(...peaks) : undefined;
}

export function formatPeakRss(report: BenchReport): string | undefined {
  const provisioning = provisioningPeakRssMb(report);
  if (provisioning === undefined || report.serverPeakRssMb === undefined) return undefined;
  const verdict = provisioning < TARGET_PEAK_RSS_MB ? 'meets' : 'misses';
  const lifetime = report.flat ? "server's life, group-size check included" : "server's life";
  return (
    `server peak RSS: ${provisioning.toFixed(0)} MB sampled during the provisioning phases ` +
    `(${verdict} the target of < ${TARGET_PEAK_RSS_MB} MB); ${report.serverPeakRssMb.toFixed(0)} MB VmHWM over the ${lifetime}`
  );
}

export function formatReport(report: BenchReport): string {
  const { options } = report;
  const lines = [
    `${report.baseUrl}: ${options.users} users, ${options.groups} groups, concurrency ${options.concurrency}, ` +
      `member batch ${options.memberBatch}, run ${report.runId}`,
    '',
    COLUMNS.map(([header, width]) => pad(header, width)).join(' '),
    ...report.phases.map((phase) => COLUMNS.map(([, width, cell]) => pad(cell(phase), width)).join(' ')),
  ];
  for (const phase of report.phases) {
    if (phase.note) lines.push(`${phase.name}: ${phase.note}`);
    if (phase.errors === 0) continue;
    lines.push(`${phase.name}: ${phase.errors} errors, the first ones:`);
    for (const sample of phase.errorSamples) lines.push(`    ${sample}`);
  }
  if (report.flat) lines.push(formatFlat(report.flat));
  const peakRss = formatPeakRss(report);
  if (peakRss) lines.push(peakRss);
  return lines.join('\n');
}
