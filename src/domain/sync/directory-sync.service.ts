import type { DataSource, EntityManager } from 'typeorm';
import { caseKey, newId, newOrderedId } from '../../db/columns';
import type { CleanupAction } from '../../db/entities/connector.entity';
import type { MembershipSource } from '../../db/entities/membership.entity';
import type { DisabledReason } from '../../db/entities/user.entity';
import { isUniqueViolation } from '../../db/errors';
import { chunks, insertIgnore, placeholders, readJson, SQL_CHUNK, sqlBool, sqlTime } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import { DEFAULT_MAPPINGS, MappedUser, MappingProgram, PathReader } from '../../policy/mapping';
import { compilePattern } from '../../policy/patterns';
import { CompiledPolicy, DirectorySide, Membership, reconcile, Reconciliation } from '../../policy/reconcile';
import type { RequestContext } from '../context';
import type { AttributeMappingService } from '../mappings/attribute-mapping.service';
import type { GroupPolicyService } from '../policies/group-policy.service';

/** Users reconciled per transaction in a full sync: memory stays bounded by it, whatever the directory's size. */
export const SYNC_BATCH = 500;
/** Batches that a full sync on SQLite commits in one transaction. */
const SQLITE_BATCHES_PER_COMMIT = 4;

export interface SyncCounts {
  usersCreated: number;
  usersUpdated: number;
  usersDisabled: number;
  usersEnabled: number;
  usersDeleted: number;
  membershipsAdded: number;
  membershipsRemoved: number;
  errors: number;
}

export function zeroCounts(): SyncCounts {
  return { usersCreated: 0, usersUpdated: 0, usersDisabled: 0, usersEnabled: 0, usersDeleted: 0, membershipsAdded: 0, membershipsRemoved: 0, errors: 0 };
}

/** A few examples of each kind of change, for a preview. */
export interface SyncSamples {
  created: string[];
  updated: string[];
  disabled: string[];
  enabled: string[];
  deleted: string[];
  membershipsAdded: string[];
  membershipsRemoved: string[];
  errors: string[];
}

const SAMPLES_PER_KIND = 10;

function noSamples(): SyncSamples {
  return { created: [], updated: [], disabled: [], enabled: [], deleted: [], membershipsAdded: [], membershipsRemoved: [], errors: [] };
}

/** What one connector's settings make of its users: compiled once per sync. */
interface ConnectorPlan {
  connectorId: string;
  directoryId: string;
  cleanupAction: CleanupAction;
  policy: CompiledPolicy;
  mappings: MappingProgram;
}

interface DirectoryUserRow {
  id: string;
  idpUserId: string | null;
  userName: string;
  displayName: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  active: unknown;
  disabledReason: DisabledReason | null;
  properties: unknown;
}

interface Attributes {
  userName: string;
  displayName: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  properties: Record<string, string>;
}

/** One user's decided change, before it is written (or, in a preview, instead). */
interface Decision {
  label: string;
  idpUserId: string | null;
  existing: DirectoryUserRow | null;
  attributes: Attributes | null;
  result: Reconciliation;
}

/**
 * Derives a connector's directory from its IdP layer: for each user, the mappings and the group
 * policy decide (policy/reconcile.ts), and this service reads the inputs in batches and writes
 * the differences. Each batch is one transaction: a sync stopped midway leaves every user either
 * done or untouched, and the next sync finishes the rest.
 */
export class DirectorySyncService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly groupPolicies: GroupPolicyService,
    private readonly attributeMappings: AttributeMappingService,
    private readonly reader: PathReader,
  ) {}

  async plan(ctx: RequestContext, connectorId: string): Promise<ConnectorPlan> {
    const [connector] = await this.dataSource.query('SELECT id, directoryId, cleanupAction FROM connectors WHERE id = ?', [connectorId]);
    const policy = await this.groupPolicies.get(ctx, connectorId);
    const mappings = (await this.attributeMappings.forConnectors(ctx, [connectorId])).get(connectorId)!;
    return {
      connectorId,
      directoryId: connector.directoryId,
      cleanupAction: connector.cleanupAction,
      policy: {
        alwaysAssign: policy.alwaysAssign,
        onlyAssign: policy.onlyAssign.map(compilePattern),
        neverAssign: policy.neverAssign.map(compilePattern),
        neverRemove: policy.neverRemove.map(compilePattern),
        required: policy.required.map(compilePattern),
      },
      mappings: MappingProgram.compile(mappings.length > 0 ? mappings : DEFAULT_MAPPINGS, this.reader),
    };
  }

  /**
   * Every user of the connector, in batches: first those the IdP holds, then directory users whose
   * IdP user is gone (deleted in the IdP). `onBatch` sees the counts as they grow.
   */
  async syncAll(
    plan: ConnectorPlan,
    options: { dryRun: boolean; onBatch?: (counts: SyncCounts) => Promise<void> | void },
  ): Promise<{ counts: SyncCounts; samples: SyncSamples }> {
    const counts = zeroCounts();
    const samples = noSamples();
    // On SQLite, batches handed to Transactions together are committed together (group commit),
    // one after the other: a commit writes every index page its batches touched, and a batch's
    // memberships touch a page of the groupId index for nearly every group. Only one batch's
    // data is in memory at a time all the same.
    const together = !options.dryRun && this.dataSource.options.type === 'better-sqlite3' ? SQLITE_BATCHES_PER_COMMIT : 1;
    const syncPages = async (ids: string[], orphans: boolean) => {
      await Promise.all(chunks(ids, SYNC_BATCH).map((batch) => this.syncBatch(plan, orphans ? [] : batch, orphans ? batch : [], options.dryRun, counts, samples)));
      await options.onBatch?.(counts);
    };
    // In id order, so that a batch's rows are neighbours in the indexes keyed by the IdP user id.
    let after = '';
    for (;;) {
      const rows: Array<{ id: string }> = await this.dataSource.query(
        'SELECT id FROM idp_users WHERE connectorId = ? AND id > ? ORDER BY id LIMIT ?',
        [plan.connectorId, after, SYNC_BATCH * together],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      await syncPages(rows.map((row) => row.id), false);
    }
    // Directory users whose IdP user was deleted lost their link (ON DELETE SET NULL).
    let orphanAfter = '';
    for (;;) {
      const rows: Array<{ id: string }> = await this.dataSource.query(
        'SELECT id FROM users WHERE directoryId = ? AND idpUserId IS NULL AND id > ? ORDER BY id LIMIT ?',
        [plan.directoryId, orphanAfter, SYNC_BATCH * together],
      );
      if (rows.length === 0) break;
      orphanAfter = rows[rows.length - 1].id;
      await syncPages(rows.map((row) => row.id), true);
    }
    return { counts, samples };
  }

  private async syncBatch(
    plan: ConnectorPlan,
    idpUserIds: string[],
    orphanUserIds: string[],
    dryRun: boolean,
    counts: SyncCounts,
    samples: SyncSamples,
  ): Promise<void> {
    // Counted afresh by each attempt and added up once the batch is written: MySQL runs a
    // transaction that lost a deadlock again.
    const attempt = async (manager: EntityManager, write: boolean) => {
      const batch = { counts: zeroCounts(), samples: noSamples() };
      await this.reconcileIn(manager, plan, idpUserIds, orphanUserIds, write, batch.counts, batch.samples);
      return batch;
    };
    const batch = dryRun ? await attempt(this.dataSource.manager, false) : await this.transactions.run((manager) => attempt(manager, true));
    for (const key of Object.keys(counts) as Array<keyof SyncCounts>) counts[key] += batch.counts[key];
    for (const kind of Object.keys(samples) as Array<keyof SyncSamples>) {
      samples[kind].push(...batch.samples[kind].slice(0, SAMPLES_PER_KIND - samples[kind].length));
    }
  }

  private async reconcileIn(
    manager: EntityManager,
    plan: ConnectorPlan,
    idpUserIds: string[],
    orphanUserIds: string[],
    write: boolean,
    counts: SyncCounts,
    samples: SyncSamples,
  ): Promise<void> {
    const decisions = await this.decide(manager, plan, idpUserIds, orphanUserIds);
    for (const decision of decisions) tally(decision, counts, samples);
    if (write) await this.applyAll(manager, plan, decisions, counts, samples);
  }

  /**
   * Writes a batch's decisions in a few statements for the whole batch: the deleted users in one
   * DELETE, the created ones in multi-row INSERTs, the memberships together. A user whose row does
   * not change is not written; a changed one is updated on its own.
   */
  private async applyAll(manager: EntityManager, plan: ConnectorPlan, decisions: Decision[], counts: SyncCounts, samples: SyncSamples): Promise<void> {
    const now = sqlTime(new Date());
    /** The users whose memberships are written. */
    const userIds = new Map<Decision, string>();
    const deleted: string[] = [];
    const created: Decision[] = [];
    for (const decision of decisions) {
      if (decision.result.user === 'DELETE') deleted.push(decision.existing!.id);
      else if (decision.result.user === 'CREATE') created.push(decision);
      else if (decision.result.user === 'KEEP' && (await this.updateUser(manager, decision, now, counts, samples))) userIds.set(decision, decision.existing!.id);
    }
    for (const batch of chunks(deleted)) await manager.query(`DELETE FROM users WHERE id IN (${placeholders(batch.length)})`, batch);
    for (const [decision, userId] of await this.createUsers(manager, plan, created, now, counts, samples)) userIds.set(decision, userId);

    const added: Array<{ userId: string; membership: Membership }> = [];
    const removed: Array<{ userId: string; groups: string[] }> = [];
    for (const [decision, userId] of userIds) {
      for (const membership of decision.result.added) added.push({ userId, membership });
      if (decision.result.removed.length > 0) removed.push({ userId, groups: decision.result.removed.map((membership) => membership.group) });
    }
    if (removed.length > 0) {
      const groupIds = await this.groupIds(manager, removed.flatMap((item) => item.groups));
      const byUser = removed.map((item) => ({ userId: item.userId, groupIds: item.groups.flatMap((group) => groupIds.get(caseKey(group)) ?? []) }));
      await this.deleteMemberships(manager, byUser.filter((item) => item.groupIds.length > 0));
    }
    if (added.length > 0) {
      const groupIds = await this.ensureGroups(manager, added.map((item) => item.membership));
      for (const batch of chunks(added)) {
        await manager.query(
          `${insertIgnore(this.dataSource.options.type)} INTO memberships (userId, groupId, managedBy, createdAt) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
          batch.flatMap((item) => [item.userId, groupIds.get(caseKey(item.membership.group)), item.membership.managedBy, now]),
        );
      }
    }
  }

  /**
   * Deletes the memberships of each user in its groups, each a lookup in the primary key (userId,
   * groupId). MySQL gets a term per user, which it plans much faster than a term per membership.
   * SQLite prepares and keeps every distinct statement, half a megabyte each at this size, so
   * there every statement has one shape: SQL_CHUNK (user, group) pairs, the last one repeated.
   */
  private async deleteMemberships(manager: EntityManager, byUser: Array<{ userId: string; groupIds: string[] }>): Promise<void> {
    if (this.dataSource.options.type !== 'better-sqlite3') {
      for (const batch of chunkBySize(byUser, (item) => item.groupIds.length)) {
        await manager.query(
          `DELETE FROM memberships WHERE ${batch.map((item) => `(userId = ? AND groupId IN (${placeholders(item.groupIds.length)}))`).join(' OR ')}`,
          batch.flatMap((item) => [item.userId, ...item.groupIds]),
        );
      }
      return;
    }
    const pairs = byUser.flatMap((item) => item.groupIds.map((groupId) => [item.userId, groupId]));
    const statement = `DELETE FROM memberships WHERE ${Array.from({ length: SQL_CHUNK }, () => '(userId = ? AND groupId = ?)').join(' OR ')}`;
    for (const batch of chunks(pairs)) {
      const padded = [...batch, ...Array.from({ length: SQL_CHUNK - batch.length }, () => batch[batch.length - 1])];
      await manager.query(statement, padded.flat());
    }
  }

  private async decide(manager: EntityManager, plan: ConnectorPlan, idpUserIds: string[], orphanUserIds: string[]): Promise<Decision[]> {
    const idpUsers: Array<{ id: string; userName: string; active: unknown; resource: unknown }> = idpUserIds.length
      ? await manager.query(`SELECT id, userName, active, resource FROM idp_users WHERE id IN (${placeholders(idpUserIds.length)})`, idpUserIds)
      : [];
    const idpGroups = new Map<string, string[]>();
    if (idpUserIds.length > 0) {
      const rows: Array<{ memberId: string; groupId: string }> = await manager.query(
        `SELECT memberId, groupId FROM idp_group_members WHERE memberId IN (${placeholders(idpUserIds.length)})`,
        idpUserIds,
      );
      const names = await namesOf(manager, 'idp_groups', 'displayName', rows.map((row) => row.groupId));
      for (const row of rows) {
        const name = names.get(row.groupId);
        if (name !== undefined) append(idpGroups, row.memberId, name);
      }
    }
    const existing: DirectoryUserRow[] = [];
    if (idpUserIds.length > 0) {
      existing.push(...(await manager.query(`SELECT * FROM users WHERE idpUserId IN (${placeholders(idpUserIds.length)})`, idpUserIds)));
    }
    if (orphanUserIds.length > 0) {
      existing.push(...(await manager.query(`SELECT * FROM users WHERE id IN (${placeholders(orphanUserIds.length)})`, orphanUserIds)));
    }
    const memberships = await this.membershipsOf(manager, existing.map((user) => user.id));
    const byIdpUser = new Map(existing.filter((user) => user.idpUserId).map((user) => [user.idpUserId!, user]));

    const decisions: Decision[] = idpUsers.map((idpUser) => {
      const current = byIdpUser.get(idpUser.id) ?? null;
      const mapped = plan.mappings.run(readJson<Record<string, unknown>>(idpUser.resource));
      const result = reconcile(
        { active: Boolean(Number(idpUser.active)), groups: [...(idpGroups.get(idpUser.id) ?? []), ...mapped.groupNames], dropped: mapped.dropped },
        current && directorySide(current, memberships.get(current.id) ?? []),
        plan.policy,
        plan.cleanupAction,
      );
      return { label: current?.userName ?? idpUser.userName, idpUserId: idpUser.id, existing: current, attributes: attributesOf(mapped, current, idpUser.userName), result };
    });
    for (const orphan of existing.filter((user) => user.idpUserId === null)) {
      const result = reconcile(null, directorySide(orphan, memberships.get(orphan.id) ?? []), plan.policy, plan.cleanupAction);
      decisions.push({ label: orphan.userName, idpUserId: null, existing: orphan, attributes: null, result });
    }
    return decisions;
  }

  private async membershipsOf(manager: EntityManager, userIds: string[]): Promise<Map<string, Membership[]>> {
    const memberships = new Map<string, Membership[]>();
    for (const batch of chunks(userIds)) {
      const rows: Array<{ userId: string; groupId: string; managedBy: MembershipSource }> = await manager.query(
        `SELECT userId, groupId, managedBy FROM memberships WHERE userId IN (${placeholders(batch.length)})`,
        batch,
      );
      const names = await namesOf(manager, 'groups', 'name', rows.map((row) => row.groupId));
      for (const row of rows) {
        const name = names.get(row.groupId);
        if (name !== undefined) append(memberships, row.userId, { group: name, managedBy: row.managedBy });
      }
    }
    return memberships;
  }

  /**
   * Inserts the created users, many rows a statement. A statement that fails on a unique key
   * changes nothing, so its rows are then inserted one by one, and only the clashing users are
   * reported. Answers the ids of the users inserted.
   */
  private async createUsers(
    manager: EntityManager,
    plan: ConnectorPlan,
    decisions: Decision[],
    now: string,
    counts: SyncCounts,
    samples: SyncSamples,
  ): Promise<Map<Decision, string>> {
    const ids = new Map<Decision, string>();
    const insert = (rows: Array<{ decision: Decision; id: string }>) =>
      manager.query(
        `INSERT INTO users (id, directoryId, idpUserId, userName, userNameKey, displayName, email, firstName, lastName, active, disabledReason, properties, lastLoginAt, createdAt, updatedAt)
         VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)').join(', ')}`,
        rows.flatMap(({ decision, id }) => {
          const attributes = decision.attributes!;
          return [
            id,
            plan.directoryId,
            decision.idpUserId,
            attributes.userName,
            caseKey(attributes.userName),
            attributes.displayName,
            attributes.email,
            attributes.firstName,
            attributes.lastName,
            sqlBool(decision.result.active),
            decision.result.disabledReason,
            JSON.stringify(attributes.properties),
            now,
            now,
          ];
        }),
      );
    for (const batch of chunks(decisions)) {
      const rows = batch.map((decision) => ({ decision, id: newOrderedId() }));
      try {
        await insert(rows);
        for (const row of rows) ids.set(row.decision, row.id);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        for (const row of rows) {
          try {
            await insert([row]);
            ids.set(row.decision, row.id);
          } catch (rowError) {
            if (!isUniqueViolation(rowError)) throw rowError;
            userNameTaken(row.decision, counts, samples);
          }
        }
      }
    }
    return ids;
  }

  /** Updates a kept user's row when it changes; answers false when its new userName is taken. */
  private async updateUser(manager: EntityManager, decision: Decision, now: string, counts: SyncCounts, samples: SyncSamples): Promise<boolean> {
    const { result, attributes } = decision;
    const existing = decision.existing!;
    if (!(attributes ? changed(existing, attributes, result) : activityChanged(existing, result))) return true;
    const values = attributes ?? attributesOfRow(existing);
    try {
      await manager.query(
        `UPDATE users SET userName = ?, userNameKey = ?, displayName = ?, email = ?, firstName = ?, lastName = ?, active = ?, disabledReason = ?, properties = ?, updatedAt = ?
         WHERE id = ?`,
        [
          values.userName,
          caseKey(values.userName),
          values.displayName,
          values.email,
          values.firstName,
          values.lastName,
          sqlBool(result.active),
          result.disabledReason,
          JSON.stringify(values.properties),
          now,
          existing.id,
        ],
      );
      return true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      userNameTaken(decision, counts, samples);
      return false;
    }
  }

  /** The ids of the groups named (by their case keys). */
  private async groupIds(manager: EntityManager, names: string[]): Promise<Map<string, string>> {
    const keys = [...new Set(names.map(caseKey))];
    const ids = new Map<string, string>();
    for (const batch of chunks(keys)) {
      const rows: Array<{ id: string; nameKey: string }> = await manager.query(`SELECT id, nameKey FROM \`groups\` WHERE nameKey IN (${placeholders(batch.length)})`, batch);
      for (const row of rows) ids.set(row.nameKey, row.id);
    }
    return ids;
  }

  /** The ids of the groups named, created (origin IdP or policy) when missing. */
  private async ensureGroups(manager: EntityManager, memberships: Membership[]): Promise<Map<string, string>> {
    const read = () => this.groupIds(manager, memberships.map((membership) => membership.group));
    const found = await read();
    const missing = new Map<string, Membership>();
    for (const membership of memberships) {
      const key = caseKey(membership.group);
      if (!found.has(key) && !missing.has(key)) missing.set(key, membership);
    }
    if (missing.size === 0) return found;
    const now = sqlTime(new Date());
    // INSERT IGNORE: another sync may create the same group at the same moment; both then read its id.
    for (const batch of chunks([...missing.values()])) {
      await manager.query(
        `${insertIgnore(this.dataSource.options.type)} INTO \`groups\` (id, name, nameKey, origin, createdAt, updatedAt) VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        batch.flatMap((membership) => [newId(), membership.group, caseKey(membership.group), membership.managedBy === 'POLICY' ? 'POLICY' : 'IDP', now, now]),
      );
    }
    return read();
  }
}

/**
 * The names of the groups with these ids, each read once: a batch's thousands of memberships
 * share a few hundred groups, and a join would look the group up again for every membership.
 */
async function namesOf(manager: EntityManager, table: 'groups' | 'idp_groups', column: 'name' | 'displayName', ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const batch of chunks([...new Set(ids)])) {
    const rows: Array<{ id: string; name: string }> = await manager.query(
      `SELECT id, \`${column}\` AS name FROM \`${table}\` WHERE id IN (${placeholders(batch.length)})`,
      batch,
    );
    for (const row of rows) names.set(row.id, row.name);
  }
  return names;
}

/** Consecutive runs of `items` whose sizes add up to at most about SQL_CHUNK each. */
function chunkBySize<T>(items: T[], size: (item: T) => number): T[][] {
  const result: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    if (current.length > 0 && total + size(item) > SQL_CHUNK) {
      result.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += size(item);
  }
  if (current.length > 0) result.push(current);
  return result;
}

function append<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function directorySide(user: DirectoryUserRow, memberships: Membership[]): DirectorySide {
  return { active: Boolean(Number(user.active)), disabledReason: user.disabledReason, memberships };
}

function attributesOfRow(user: DirectoryUserRow): Attributes {
  return {
    userName: user.userName,
    displayName: user.displayName,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    properties: readJson<Record<string, string>>(user.properties) ?? {},
  };
}

/** The directory attributes after mapping: a mapping that kept (or did not say) leaves the current value. */
function attributesOf(mapped: MappedUser, current: DirectoryUserRow | null, idpUserName: string): Attributes {
  const base = current ? attributesOfRow(current) : { userName: idpUserName, displayName: null, email: null, firstName: null, lastName: null, properties: {} };
  const pick = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
  const properties = { ...base.properties };
  for (const [name, value] of Object.entries(mapped.properties)) {
    if (value === null) delete properties[name];
    else properties[name] = value;
  }
  return {
    // A user cannot be without a name: a cleared userName keeps the one it has.
    userName: mapped.userName || base.userName,
    displayName: pick(mapped.displayName, base.displayName),
    email: pick(mapped.email, base.email),
    firstName: pick(mapped.firstName, base.firstName),
    lastName: pick(mapped.lastName, base.lastName),
    properties,
  };
}

function activityChanged(user: DirectoryUserRow, result: Reconciliation): boolean {
  return Boolean(Number(user.active)) !== result.active || user.disabledReason !== result.disabledReason;
}

function changed(user: DirectoryUserRow, attributes: Attributes, result: Reconciliation): boolean {
  return activityChanged(user, result) || JSON.stringify(attributesOfRow(user)) !== JSON.stringify(attributes);
}

/** Two IdP users mapped to one userName: the second is reported, and neither it nor its memberships are written. */
function userNameTaken(decision: Decision, counts: SyncCounts, samples: SyncSamples): void {
  counts.errors += 1;
  if (samples.errors.length < SAMPLES_PER_KIND) samples.errors.push(`${decision.label}: userName ${decision.attributes?.userName} is taken in this directory`);
  if (!decision.existing) counts.usersCreated -= 1;
  counts.membershipsAdded -= decision.result.added.length;
  counts.membershipsRemoved -= decision.result.removed.length;
}

function tally(decision: Decision, counts: SyncCounts, samples: SyncSamples): void {
  const { result, existing, label } = decision;
  const sample = (list: string[], text: string) => {
    if (list.length < SAMPLES_PER_KIND) list.push(text);
  };
  if (result.user === 'CREATE') {
    counts.usersCreated += 1;
    sample(samples.created, label);
  } else if (result.user === 'DELETE') {
    counts.usersDeleted += 1;
    sample(samples.deleted, label);
  } else if (existing && result.user === 'KEEP') {
    const wasActive = Boolean(Number(existing.active));
    if (wasActive && !result.active) {
      counts.usersDisabled += 1;
      sample(samples.disabled, label);
    } else if (!wasActive && result.active) {
      counts.usersEnabled += 1;
      sample(samples.enabled, label);
    } else if (decision.attributes && changed(existing, decision.attributes, result)) {
      counts.usersUpdated += 1;
      sample(samples.updated, label);
    }
  }
  counts.membershipsAdded += result.added.length;
  counts.membershipsRemoved += result.user === 'DELETE' ? 0 : result.removed.length;
  for (const membership of result.added) sample(samples.membershipsAdded, `${label} → ${membership.group}`);
  if (result.user !== 'DELETE') for (const membership of result.removed) sample(samples.membershipsRemoved, `${label} ✕ ${membership.group}`);
}
