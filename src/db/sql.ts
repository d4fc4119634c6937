/**
 * Values for hand-written SQL that both dialects store alike. Hot paths (SCIM) run plain
 * parameterised SQL rather than the query builder; these keep those values in the same form
 * TypeORM itself writes and reads.
 */

/** A datetime(3) value as TypeORM writes it on both dialects: UTC `YYYY-MM-DD HH:MM:SS.mmm`. */
export function sqlTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A datetime read back by plain SQL: a string from SQLite, a Date from mysql2 (timezone Z). */
export function readTime(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

/** A JSON column read back by plain SQL: text from SQLite and MariaDB, already parsed from MySQL 8. */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export function sqlBool(value: boolean): number {
  return value ? 1 : 0;
}

/**
 * The SET list of an UPDATE of the columns whose values change, and its parameters. SQLite
 * rewrites the index entries of every column an UPDATE sets, changed or not: each is a page more
 * for the commit to write.
 */
export function setChanged(columns: Array<[column: string, value: unknown, changed: boolean]>): { sql: string; params: unknown[] } {
  const changed = columns.filter(([, , changes]) => changes);
  return { sql: changed.map(([column]) => `${column} = ?`).join(', '), params: changed.map(([, value]) => value) };
}

/** `?, ?, ?` for an IN list of `count` parameters. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Escapes LIKE wildcards in `text`; use with `LIKE ? ESCAPE '!'`. */
export function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (char) => `!${char}`);
}

/** ` FOR UPDATE` where the dialect has row locks (MySQL); SQLite's transactions already run one at a time. */
export function forUpdate(type: string): string {
  return type === 'better-sqlite3' ? '' : ' FOR UPDATE';
}

/** An INSERT that skips rows clashing with a unique key: `INSERT OR IGNORE` (SQLite), `INSERT IGNORE` (MySQL). */
export function insertIgnore(type: string): string {
  return type === 'better-sqlite3' ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
}

/**
 * One statement for several bounded reads, such as a page of members for each group of a page of
 * groups: each part keeps its own ORDER BY and LIMIT (and with them its index range), and its rows
 * carry the part's position as `part`. The parts' rows come in no particular order.
 */
export function unionOfParts(parts: Array<[sql: string, params: unknown[]]>): [sql: string, params: unknown[]] {
  return [
    parts.map(([sql], index) => `SELECT * FROM (SELECT ${index} AS part, ${sql.replace(/^\s*SELECT\s+/i, '')}) p${index}`).join(' UNION ALL '),
    parts.flatMap(([, params]) => params),
  ];
}

/** unionOfParts' rows, by part. */
export function rowsByPart<T extends { part: unknown }>(rows: T[], parts: number): T[][] {
  const byPart: T[][] = Array.from({ length: parts }, () => []);
  for (const row of rows) byPart[Number(row.part)].push(row);
  return byPart;
}

/** Statements take at most this many rows or list items, well inside both dialects' parameter limits. */
export const SQL_CHUNK = 500;

export function chunks<T>(items: T[], size = SQL_CHUNK): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * `column` starts with `prefix`: a range that an index on the column serves (both dialects order
 * these columns by code point), and a LIKE that keeps the match exact where MySQL's PAD SPACE
 * comparison would blur the range's edge. `prefix` must not be empty.
 */
export function startsWith(column: string, prefix: string): { sql: string; params: string[] } {
  const end = prefixEnd(prefix);
  return {
    sql: `${column} >= ?${end === null ? '' : ` AND ${column} < ?`} AND ${column} LIKE ? ESCAPE '!'`,
    params: [prefix, ...(end === null ? [] : [end]), `${escapeLike(prefix)}%`],
  };
}

/** The least string above every string that starts with `prefix`; null when there is none. */
function prefixEnd(prefix: string): string | null {
  const points = [...prefix].map((char) => char.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      // Surrogate code points are no characters: the next one after them is U+E000.
      const next = last + 1 >= 0xd800 && last + 1 <= 0xdfff ? 0xe000 : last + 1;
      return String.fromCodePoint(...points, next);
    }
  }
  return null;
}
