import { randomUUID } from 'node:crypto';
import { Column, ColumnOptions, PrimaryColumn } from 'typeorm';

/*
 * Column shapes shared by the entities, chosen so that SQLite and MySQL/MariaDB store the same
 * thing: ids are UUID strings made by the application (so a SCIM answer can carry the id without a
 * read-back), times are UTC with milliseconds, JSON is a JSON column (LONGTEXT on MariaDB, TEXT on
 * SQLite) that TypeORM (de)serialises.
 */

export const ID_LENGTH = 36;
/** The longest userName, group name or displayName we index (255 utf8mb4 characters fit InnoDB keys). */
export const NAME_LENGTH = 255;

export function newId(): string {
  return randomUUID();
}

/**
 * A UUID of version 7: its first 48 bits are the time in milliseconds, the rest random. Ids made
 * one after the other sort in the order they were made, so the rows a batch inserts land side by
 * side at the end of an index keyed by them (memberships by userId, InnoDB's clustered primary
 * key) instead of on a random page each: a batch then writes a few pages, not thousands.
 */
export function newOrderedId(): string {
  // The time over the first 48 bits of a random UUID, whose version nibble becomes 7. randomUUID
  // draws from a cached pool of entropy; a randomFillSync of 16 bytes costs a call into OpenSSL.
  const time = Date.now().toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}

export function IdColumn(): PropertyDecorator {
  return PrimaryColumn({ type: 'varchar', length: ID_LENGTH });
}

export function RefColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: ID_LENGTH, ...options });
}

export function TimeColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: 'datetime', precision: 3, ...options });
}

export function NameColumn(options: Pick<ColumnOptions, 'nullable' | 'unique'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: NAME_LENGTH, ...options });
}

export function JsonColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: 'json', ...options });
}

/**
 * Whether a name fits a NameColumn and its case-folded key the key column beside it: NFC and
 * lowercasing can lengthen text ("İ" becomes two characters).
 */
export function fitsNameColumn(name: string): boolean {
  return name.length <= NAME_LENGTH && caseKey(name).length <= NAME_LENGTH;
}

/**
 * The key a case-insensitive unique index is built on. Both databases compare it byte for byte
 * (MySQL tables use utf8mb4_bin), so "Ä" and "ä" collide everywhere, and "a" and "á" nowhere.
 */
export function caseKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * A JSON object as a column holds it. Its values are `any` because TypeORM's insert typings recurse
 * into a column's type and give up on a recursive JSON type.
 */
export type JsonObject = { [key: string]: any };
