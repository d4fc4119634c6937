/** The server's memory and CPU time, read from /proc/<pid> (Linux only). */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

const SAMPLE_INTERVAL_MS = 100;
/** A server that uses at most one clock tick of CPU time over this window is taken as idle. */
const IDLE_WINDOW_MS = 200;
const IDLE_CPU_MS = 10;
/** The longest wait for a server to go idle: one that never does (a busy peer) is measured as it is. */
const SETTLE_LIMIT_MS = 5_000;

/** A `VmRSS`-style field of /proc/<pid>/status in MB, or undefined once the process is gone. */
function statusFieldMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}

export class RssSampler {
  private readonly timer: NodeJS.Timeout;
  private phasePeakMb = 0;

  constructor(private readonly pid: number) {
    if (statusFieldMb(pid, 'VmRSS') === undefined) {
      throw new Error(`--pid ${pid}: cannot read VmRSS from /proc/${pid}/status (no such process, or not Linux)`);
    }
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** The largest RSS sampled since the previous call; phases call it before and after their timed part. */
  takePhasePeakMb(): number {
    this.sample();
    const peak = this.phasePeakMb;
    this.phasePeakMb = 0;
    return peak;
  }

  /**
   * The CPU time the server has used, user and system, in its every thread (ms, in steps of 10):
   * the difference over a phase is what its requests cost the server, whatever the latency did.
   */
  cpuMs(): number | undefined {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    } catch {
      return undefined;
    }
    // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  }

  /**
   * Waits until the server is idle (SETTLE_LIMIT_MS at most). Before a phase, so that work the phase
   * before left behind (WAL checkpoints, buffered writes, garbage collection) does not slow it down;
   * after it, so that the CPU time its requests left behind counts for it.
   */
  async settle(): Promise<void> {
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    let last = this.cpuMs();
    while (last !== undefined && Date.now() < deadline) {
      await sleep(IDLE_WINDOW_MS);
      const now = this.cpuMs();
      if (now === undefined || now - last <= IDLE_CPU_MS) return;
      last = now;
    }
  }

  /** The kernel's high-water mark over the server's whole life, so nothing between samples is missed. */
  processPeakMb(): number | undefined {
    return statusFieldMb(this.pid, 'VmHWM');
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const rss = statusFieldMb(this.pid, 'VmRSS');
    if (rss !== undefined && rss > this.phasePeakMb) this.phasePeakMb = rss;
  }
}
