import type { EntityManager } from 'typeorm';
import { caseKey } from '../../db/columns';
import type { CopyBehaviour } from '../../db/entities/connector.entity';
import { chunks, insertIgnore, placeholders, readJson, readTime, sqlTime } from '../../db/sql';
import { MappedUser, withMappedProperties } from '../../policy/mapping';

/** A user a sync has just created, as it wrote it. */
export interface CreatedUser {
  id: string;
  userName: string;
  /** What its attribute mappings said of the properties they name. */
  mappedProperties: MappedUser['properties'];
}

interface SourceUser {
  id: string;
  directoryId: string;
  userNameKey: string;
  lastLoginAt: unknown;
  properties: unknown;
}

/** Users per UPDATE … CASE statement: five parameters each, well inside both dialects' limits. */
const UPDATE_CHUNK = 200;

/**
 * Copy behaviour (the seeds' "Copy Behaviour": "find the user record with the same username in a
 * different … directory and copy the contents … (i.e. Group memberships, last login time, user
 * properties)"). Called once, with the users a batch has just created and after the batch's own
 * memberships are written, so it copies exactly once per user; later syncs never look again.
 *
 * - The sources are searched in the configured order; the first that holds the userName (case
 *   regardless) is the user copied from, whatever it holds.
 * - Memberships are copied managed by COPIED. A group the IdP or a policy already gave the user
 *   keeps that membership. From then on a copied membership is like any the IdP does not report:
 *   the next sync removes it unless its group matches never remove (seeds: "If a synchronized
 *   user is a member of a group … but not in SCIM 2.0, the next sync does remove that
 *   membership"), so migrated groups are kept by listing them in never remove.
 * - Properties: the copied ones, then the mapped ones over them, as at every later sync: a
 *   mapping that yields a value or clears its property decides it, and a property no mapping
 *   names (or whose mapping keeps the current value) keeps the copied one.
 *
 * Answers how many memberships it copied.
 */
export async function copyFromOtherDirectories(manager: EntityManager, copy: CopyBehaviour, created: CreatedUser[]): Promise<number> {
  if (!copy.enabled || created.length === 0 || !(copy.memberships || copy.lastLogin || copy.properties)) return 0;
  const sources = await findSources(manager, copy.sourceDirectoryIds, created);
  const pairs = created.flatMap((user) => {
    const source = sources.get(caseKey(user.userName));
    return source ? [{ user, source }] : [];
  });
  if (pairs.length === 0) return 0;
  if (copy.lastLogin || copy.properties) await copyAttributes(manager, copy, pairs);
  return copy.memberships ? copyMemberships(manager, pairs) : 0;
}

/** Per userName key, the user of the first source directory (in `order`) that has it: one query per chunk of users. */
async function findSources(manager: EntityManager, order: string[], created: CreatedUser[]): Promise<Map<string, SourceUser>> {
  const found = new Map<string, SourceUser>();
  if (order.length === 0) return found;
  const rank = (directoryId: string) => order.indexOf(directoryId);
  const keys = [...new Set(created.map((user) => caseKey(user.userName)))];
  for (const batch of chunks(keys)) {
    const rows: SourceUser[] = await manager.query(
      `SELECT id, directoryId, userNameKey, lastLoginAt, properties FROM users
       WHERE directoryId IN (${placeholders(order.length)}) AND userNameKey IN (${placeholders(batch.length)})`,
      [...order, ...batch],
    );
    for (const row of rows) {
      const held = found.get(row.userNameKey);
      if (!held || rank(row.directoryId) < rank(held.directoryId)) found.set(row.userNameKey, row);
    }
  }
  return found;
}

/** Last login and properties, a chunk of users per statement. */
async function copyAttributes(manager: EntityManager, copy: CopyBehaviour, pairs: Array<{ user: CreatedUser; source: SourceUser }>): Promise<void> {
  for (const batch of chunks(pairs, UPDATE_CHUNK)) {
    const sets: string[] = [];
    const parameters: unknown[] = [];
    const setEach = (column: string, value: (pair: (typeof batch)[number]) => unknown) => {
      sets.push(`${column} = CASE id ${batch.map(() => 'WHEN ? THEN ?').join(' ')} END`);
      parameters.push(...batch.flatMap((pair) => [pair.user.id, value(pair)]));
    };
    if (copy.lastLogin) setEach('lastLoginAt', ({ source }) => (source.lastLoginAt === null ? null : sqlTime(readTime(source.lastLoginAt))));
    if (copy.properties) {
      setEach('properties', ({ user, source }) => JSON.stringify(withMappedProperties(readJson<Record<string, string> | null>(source.properties) ?? {}, user.mappedProperties)));
    }
    await manager.query(`UPDATE users SET ${sets.join(', ')} WHERE id IN (${placeholders(batch.length)})`, [
      ...parameters,
      ...batch.map((pair) => pair.user.id),
    ]);
  }
}

/** The source users' memberships, inserted for the new users unless they are in that group already. */
async function copyMemberships(manager: EntityManager, pairs: Array<{ user: CreatedUser; source: SourceUser }>): Promise<number> {
  const copiedTo = new Map(pairs.map(({ user, source }) => [source.id, user.id]));
  const rows: Array<{ userId: string; groupId: string }> = [];
  for (const batch of chunks([...copiedTo.keys()])) {
    rows.push(...(await manager.query(`SELECT userId, groupId FROM memberships WHERE userId IN (${placeholders(batch.length)})`, batch)));
  }
  const now = sqlTime(new Date());
  let copied = 0;
  for (const batch of chunks(rows)) {
    const result = await manager.queryRunner!.query(
      `${insertIgnore(manager.connection.options.type)} INTO memberships (userId, groupId, managedBy, createdAt) VALUES ${batch.map(() => "(?, ?, 'COPIED', ?)").join(', ')}`,
      batch.flatMap((row) => [copiedTo.get(row.userId), row.groupId, now]),
      true,
    );
    copied += result.affected ?? 0;
  }
  return copied;
}
