import type { DataSource } from 'typeorm';
import type { ProvisioningOperation, ProvisioningResourceType } from '../../db/entities/provisioning-event.entity';
import { ID_LENGTH } from '../../db/columns';
import { chunks, sqlTime } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import type { Logger } from '../../logger';

export interface ProvisioningEvent {
  connectorId: string;
  at: Date;
  operation: ProvisioningOperation;
  resourceType: ProvisioningResourceType;
  resourceId: string | null;
  status: number;
  durationMs: number;
}

/** How long an event may wait before it is written, and how many make a write at once. */
const FLUSH_INTERVAL_MS = 250;
const FLUSH_SIZE = 500;

/**
 * Records every SCIM write without adding a statement to it: events are buffered and written
 * together, at most FLUSH_INTERVAL_MS later. A crash may lose that last fraction of a second of
 * events, never a write itself; `close` writes what is left.
 */
export class ProvisioningLog {
  private buffer: ProvisioningEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Events no database would take, even alone (counted in /metrics). */
  dropped = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly log: Logger,
  ) {}

  record(event: ProvisioningEvent): void {
    // A path names any id; one longer than ids are (`…' or '1'='1`) names no resource, and its
    // column would refuse it, and with it every event written beside it.
    const resourceId = event.resourceId !== null && event.resourceId.length > ID_LENGTH ? null : event.resourceId;
    this.buffer.push({ ...event, resourceId });
    if (this.buffer.length >= FLUSH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes every buffered event; resolves when they are stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const events = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(() => this.write(events));
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async write(events: ProvisioningEvent[]): Promise<void> {
    if (events.length === 0 || !this.dataSource.isInitialized) return;
    try {
      await this.transactions.run(async (manager) => {
        for (const batch of chunks(events, 100)) await manager.query(...insertEvents(batch));
      });
    } catch (error) {
      // One event the database refuses must not cost the others theirs: each goes alone, and
      // only those refused alone are lost (logged and counted; provisioning itself goes on).
      this.log.warn({ err: error, events: events.length }, 'a batch of provisioning events was refused; writing them one by one');
      for (const event of events) {
        try {
          await this.dataSource.query(...insertEvents([event]));
        } catch (alone) {
          this.dropped += 1;
          this.log.error({ err: alone, connectorId: event.connectorId, operation: event.operation }, 'could not record a provisioning event');
        }
      }
    }
  }
}

function insertEvents(events: ProvisioningEvent[]): [sql: string, params: unknown[]] {
  return [
    `INSERT INTO provisioning_events (connectorId, at, operation, resourceType, resourceId, status, durationMs) VALUES ${events.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    events.flatMap((e) => [e.connectorId, sqlTime(e.at), e.operation, e.resourceType, e.resourceId, e.status, Math.round(e.durationMs)]),
  ];
}
