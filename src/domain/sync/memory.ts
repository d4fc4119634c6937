import os from 'node:os';
import type { MemoryFigures, SyncRunMemory } from '../../db/entities/sync-run.entity';

/** This process's heap and RSS, and the system's free memory, now. */
export function memoryNow(): MemoryFigures {
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss, freeSystem: os.freemem() };
}

/** A run's figures with `now` as its end, and as its peak when its RSS is the highest yet. */
export function withMemoryNow(memory: SyncRunMemory, now = memoryNow()): SyncRunMemory {
  return { ...memory, end: now, peak: !memory.peak || now.rss > memory.peak.rss ? now : memory.peak };
}
