/** Timing of one benchmark phase: latencies, throughput and errors. */
import type { ScimClient, ScimResponse } from './http-client';

/** How many error answers a phase keeps word for word. */
const ERROR_SAMPLES = 3;
const ERROR_SAMPLE_CHARS = 300;

export interface PhaseResult {
  name: string;
  /** Anything that makes this phase's figures differ from another server's, e.g. a simpler body. */
  note?: string;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers with another status than the expected one, and requests that got no answer. */
  errors: number;
  errorSamples: string[];
  /** The server's largest resident set seen during the phase, when its pid was given. */
  peakRssMb?: number;
  /** The server's CPU time (all its threads) from the phase's start until it is idle after it, per request, when its pid was given. */
  serverCpuUsPerRequest?: number;
}

/** Nearest-rank percentile of ascending `sorted`; 0 for no samples. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function sortedSamples(samples: number[]): Float64Array {
  return Float64Array.from(samples).sort();
}

/** Sends a phase's requests through `client` and keeps their figures; the clock starts at construction. */
export class PhaseRecorder {
  private readonly latenciesMs: number[] = [];
  private readonly errorSamples: string[] = [];
  private errors = 0;
  private readonly started = process.hrtime.bigint();

  constructor(
    private readonly client: ScimClient,
    readonly name: string,
  ) {}

  async send(method: string, path: string, body: string | undefined, expected: readonly number[]): Promise<ScimResponse> {
    const response = await this.client.request(method, path, body);
    this.latenciesMs.push(response.latencyMs);
    if (!expected.includes(response.status)) this.recordError(method, path, response);
    return response;
  }

  finish(note?: string): PhaseResult {
    const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    const sorted = sortedSamples(this.latenciesMs);
    return {
      name: this.name,
      ...(note ? { note } : {}),
      requests: sorted.length,
      seconds,
      requestsPerSecond: seconds > 0 ? sorted.length / seconds : 0,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.length ? sorted[sorted.length - 1] : 0,
      errors: this.errors,
      errorSamples: this.errorSamples,
    };
  }

  private recordError(method: string, path: string, response: ScimResponse): void {
    this.errors += 1;
    if (this.errorSamples.length >= ERROR_SAMPLES) return;
    const status = response.status === 0 ? 'no answer' : String(response.status);
    this.errorSamples.push(`${method} ${path} -> ${status}: ${response.body.slice(0, ERROR_SAMPLE_CHARS)}`);
  }
}

/** Runs `task(0 … count-1)` on `concurrency` workers, each taking the next index when it is free. */
export async function runConcurrently(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
