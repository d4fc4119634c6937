import { forUpdate } from '../../db/sql';
import type { TransactionScope } from '../../db/transactions';
import { DomainError } from '../errors';

/** How a write finds and reads the IdP row it locks. */
export interface LockedTable<Row, Record> {
  table: 'idp_users' | 'idp_groups';
  /** The database type (`DataSource.options.type`): SQLite takes no row locks. */
  dialect: string;
  read(row: Row): Record;
  notFound(id: string): DomainError;
  /** What the row is, in the message of a failed `ifVersion`: "user", "group". */
  noun: string;
}

/**
 * The row `id` of the connector, locked, and the connector's settingsVersion read in the same
 * statement (the directory follows the write with the settings of that version; a subquery takes
 * no lock); then the rows of the reads `also`, in the same round trip. `ifVersion` makes the write
 * conditional (If-Match).
 */
export async function lockedRow<Row, Record extends { version: number }>(
  scope: TransactionScope,
  locked: LockedTable<Row, Record>,
  connectorId: string,
  id: string,
  ifVersion: number | undefined,
  also: Array<[sql: string, params: unknown[]]> = [],
): Promise<{ current: Record; settingsVersion: number; also: unknown[][] }> {
  const [rows, ...alsoRows] = await scope.queryAll([
    [
      `SELECT r.*, (SELECT c.settingsVersion FROM connectors c WHERE c.id = r.connectorId) AS settingsVersion
       FROM ${locked.table} r WHERE r.id = ? AND r.connectorId = ?${forUpdate(locked.dialect)}`,
      [id, connectorId],
    ],
    ...also,
  ]);
  const [row] = rows as Array<Row & { settingsVersion: unknown }>;
  if (!row) throw locked.notFound(id);
  const current = locked.read(row);
  if (ifVersion !== undefined && current.version !== ifVersion) {
    throw new DomainError('PRECONDITION_FAILED', `the ${locked.noun} has version ${current.version}, not ${ifVersion}`);
  }
  return { current, settingsVersion: Number(row.settingsVersion), also: alsoRows };
}
