import type { EntityManager } from 'typeorm';
import type { IdpListQuery, IdpPage, IdpSortColumn } from './idp.types';

/** Rows read per statement while a filter that SQL cannot fully decide is checked in memory. */
const SCAN_BATCH = 500;

interface ListTable<Row, Item> {
  /** `idp_users` or `idp_groups`. */
  table: string;
  /** The column a list is ordered by when the caller gives no sort: the unique name key. */
  defaultOrder: string;
  sortColumns: Record<IdpSortColumn, string>;
  read(row: Row): Item;
  resource(item: Item): Record<string, unknown>;
  meta(item: Item): { id: string; createdAt: Date; updatedAt: Date; version: number };
}

/**
 * A page of a connector's users or groups. When SQL decides the whole filter, it counts and
 * pages in SQL. Otherwise it walks the SQL candidates in batches, keeping only the page: memory
 * stays bounded by the batch and the page, whatever the directory's size.
 */
export async function listPage<Row, Item>(
  manager: EntityManager,
  spec: ListTable<Row, Item>,
  connectorId: string,
  query: IdpListQuery,
): Promise<IdpPage<Item>> {
  const where = query.where ? ` AND (${query.where.sql})` : '';
  const params = [connectorId, ...(query.where?.params ?? [])];
  const direction = query.sort?.descending ? 'DESC' : 'ASC';
  const order = `${query.sort ? spec.sortColumns[query.sort.column] : spec.defaultOrder} ${direction}, r.id ${direction}`;
  const select = `SELECT r.* FROM ${spec.table} r WHERE r.connectorId = ?${where} ORDER BY ${order}`;

  if (!query.matches) {
    const rows: Row[] =
      query.limit === 0 ? [] : await manager.query(`${select} LIMIT ? OFFSET ?`, [...params, query.limit, query.offset]);
    // A page that is not full and did not start past the end holds the rest: its length gives the
    // total. That spares a COUNT for the lookups Entra sends before every create.
    if (rows.length > 0 && rows.length < query.limit) return { total: query.offset + rows.length, items: rows.map(spec.read) };
    if (rows.length === 0 && query.offset === 0 && query.limit > 0) return { total: 0, items: [] };
    const [{ total }] = await manager.query(`SELECT COUNT(*) AS total FROM ${spec.table} r WHERE r.connectorId = ?${where}`, params);
    return { total: Number(total), items: rows.map(spec.read) };
  }

  const matches = query.matches;
  const items: Item[] = [];
  let total = 0;
  for (let offset = 0; ; offset += SCAN_BATCH) {
    const rows: Row[] = await manager.query(`${select} LIMIT ? OFFSET ?`, [...params, SCAN_BATCH, offset]);
    for (const row of rows) {
      const item = spec.read(row);
      if (!matches(spec.resource(item), spec.meta(item))) continue;
      if (total >= query.offset && items.length < query.limit) items.push(item);
      total += 1;
    }
    if (rows.length < SCAN_BATCH) break;
  }
  return { total, items };
}
