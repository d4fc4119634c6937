import type { DataSource, EntityManager } from 'typeorm';
import { caseKey, newId, newOrderedId } from '../../db/columns';
import type { CleanupAction, CopyBehaviour } from '../../db/entities/connector.entity';
import type { MembershipSource } from '../../db/entities/membership.entity';
import type { DisabledReason } from '../../db/entities/user.entity';
import { isUniqueViolation } from '../../db/errors';
import { chunks, insertIgnore, placeholders, readJson, SQL_CHUNK, sqlBool, sqlTime } from '../../db/sql';
import type { Transactions, TransactionScope } from '../../db/transactions';
import { DEFAULT_MAPPINGS, MappedUser, MappingProgram, PathReader, withMappedProperties } from '../../policy/mapping';
import { compilePattern } from '../../policy/patterns';
import { CompiledPolicy, DirectorySide, groupMatters, Membership, reconcile, Reconciliation } from '../../policy/reconcile';
import type { RequestContext } from '../context';
import type { IdpChange, IdpChangeListener, IdpUserRecord } from '../idp/idp.types';
import type { AttributeMappingService } from '../mappings/attribute-mapping.service';
import type { GroupPolicy, GroupPolicyService } from '../policies/group-policy.service';
import { copyFromOtherDirectories } from './copy';
import type { SyncCycles } from './sync-cycles';

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

/** A run's counts in a sentence, for its log. */
export function summary(counts: SyncCounts, dryRun: boolean): string {
  const verb = dryRun ? 'would have' : 'have been';
  return `users ${verb} created ${counts.usersCreated}, updated ${counts.usersUpdated}, disabled ${counts.usersDisabled}, enabled ${counts.usersEnabled}, deleted ${counts.usersDeleted}; memberships added ${counts.membershipsAdded}, removed ${counts.membershipsRemoved}; errors ${counts.errors}`;
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

/** What one connector's settings make of its users: compiled once per settings version. */
export interface ConnectorPlan {
  connectorId: string;
  settingsVersion: number;
  directoryId: string;
  cleanupAction: CleanupAction;
  copyBehaviour: CopyBehaviour;
  policy: CompiledPolicy;
  mappings: MappingProgram;
  /**
   * Whether a user's membership of an IdP group decides its membership of the directory group of
   * that name and nothing else (no required patterns, no mapping that names groups or drops users):
   * then a member change is followed by adding or removing those memberships alone.
   */
  membershipsFollowGroups: boolean;
  /**
   * Whether, besides, always assign names no group: then a change of a user's attributes or of
   * `active` cannot change its memberships, unless an admin, a copy or a policy made some of them.
   */
  attributesLeaveMemberships: boolean;
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

/** An IdP user as reconciliation reads it. */
interface IdpUserState {
  id: string;
  userName: string;
  active: boolean;
  resource: Record<string, unknown>;
  /** What the plan's mappings make of `resource`, when already worked out. */
  mapped?: MappedUser;
}

/** Everything reconciliation needs of one user. */
interface UserInputs {
  /** Null when the IdP deleted the user. */
  idpUser: IdpUserState | null;
  idpGroups: string[];
  current: DirectoryUserRow | null;
  memberships: Membership[];
}

/** One user's decided change, before it is written (or, in a preview, instead). */
interface Decision {
  label: string;
  idpUserId: string | null;
  existing: DirectoryUserRow | null;
  attributes: Attributes | null;
  /** What the mappings said of the properties they name; empty for a user the IdP no longer holds. */
  mappedProperties: MappedUser['properties'];
  result: Reconciliation;
}

/**
 * Derives a connector's directory from its IdP layer: for each user, the mappings and the group
 * policy decide (policy/reconcile.ts), and this service reads the inputs in batches and writes
 * the differences. Each batch is one transaction: a sync stopped midway leaves every user either
 * done or untouched, and the next sync finishes the rest.
 */
export class DirectorySyncService implements IdpChangeListener {
  /** Compiled plans by connector; one whose settingsVersion is behind the connector's is stale. */
  private readonly plans = new Map<string, ConnectorPlan>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly groupPolicies: GroupPolicyService,
    private readonly attributeMappings: AttributeMappingService,
    private readonly reader: PathReader,
    private readonly cycles: SyncCycles,
  ) {}

  /**
   * Compiles the connector's settings. Within a transaction, pass its manager: on MySQL a write
   * that waited for a second pooled connection could wait for ever once every one is taken.
   */
  async plan(ctx: RequestContext, connectorId: string, manager = this.dataSource.manager, proposedPolicy?: Partial<GroupPolicy>): Promise<ConnectorPlan> {
    const [connector] = await manager.query('SELECT id, directoryId, cleanupAction, copyBehaviour, settingsVersion FROM connectors WHERE id = ?', [connectorId]);
    // A preview of a policy change tries the lists given in place of the saved ones.
    const policy = { ...(await this.groupPolicies.get(ctx, connectorId, manager)), ...given(proposedPolicy ?? {}) };
    const mappings = (await this.attributeMappings.forConnectors(ctx, [connectorId], manager)).get(connectorId)!;
    const program = MappingProgram.compile(mappings.length > 0 ? mappings : DEFAULT_MAPPINGS, this.reader);
    const membershipsFollowGroups = policy.required.length === 0 && !program.decidesGroups;
    return {
      connectorId,
      settingsVersion: Number(connector.settingsVersion),
      directoryId: connector.directoryId,
      cleanupAction: connector.cleanupAction,
      copyBehaviour: readJson<CopyBehaviour>(connector.copyBehaviour),
      policy: {
        alwaysAssign: policy.alwaysAssign,
        onlyAssign: policy.onlyAssign.map(compilePattern),
        neverAssign: policy.neverAssign.map(compilePattern),
        neverRemove: policy.neverRemove.map(compilePattern),
        required: policy.required.map(compilePattern),
      },
      mappings: program,
      membershipsFollowGroups,
      attributesLeaveMemberships: membershipsFollowGroups && policy.alwaysAssign.length === 0,
    };
  }

  /**
   * Follows one SCIM write within that write's transaction, so that the directory never
   * disagrees with the IdP layer: reconciles the users the write touched, and skips those whose
   * reconciliation inputs it left alone (an attribute no mapping reads, a group the policy
   * ignores). What changed is counted into the connector's incremental cycle once it commits.
   */
  async follow(ctx: RequestContext, manager: EntityManager, scope: TransactionScope, connectorId: string, change: IdpChange): Promise<void> {
    const plan = await this.currentPlan(ctx, manager, connectorId, change.settingsVersion);
    const known = new Map<string, IdpUserState>();
    const toRead: string[] = [];
    const attributesChanged: string[] = [];
    for (const user of change.created ?? []) known.set(user.id, stateOf(user));
    for (const { before, after } of change.changed ?? []) {
      const mapped = plan.mappings.run(after.resource);
      if (before.active === after.active && JSON.stringify(plan.mappings.run(before.resource)) === JSON.stringify(mapped)) continue;
      known.set(after.id, { ...stateOf(after), mapped });
      (plan.attributesLeaveMemberships ? attributesChanged : toRead).push(after.id);
    }
    const counts = zeroCounts();
    const samples = emptySamples();
    if (change.members && groupMatters(plan.policy, change.members.group)) {
      const touched = [...change.members.joined, ...change.members.left];
      if (plan.membershipsFollowGroups) {
        const context = await this.membersContext(manager, touched, change.members.group, change.ahead);
        // Memberships an admin or a copy made are for a whole reconciliation to judge.
        toRead.push(...context.others);
        await this.followMembers(manager, scope, plan, change.members, context, counts);
      } else {
        toRead.push(...touched);
      }
    }
    if (change.regrouped && change.regrouped.groupNames.some((name) => groupMatters(plan.policy, name))) toRead.push(...change.regrouped.userIds);
    const aheadUsers = change.ahead && 'users' in change.ahead ? change.ahead.users : undefined;
    const inputs: UserInputs[] = (change.created ?? []).map((user) => ({ idpUser: known.get(user.id)!, idpGroups: [], current: null, memberships: [] }));
    if (attributesChanged.length > 0) {
      const users = await this.readUsersAlone(manager, attributesChanged, known, aheadUsers);
      inputs.push(...users.inputs);
      toRead.push(...users.whole);
    }
    inputs.push(...(await this.readInputs(manager, [...new Set(toRead)], known, true)));
    if (change.deleted && change.deleted.length > 0) inputs.push(...(await this.readLeaving(manager, change.deleted, aheadUsers)));

    const decisions = this.decide(plan, inputs);
    for (const decision of decisions) tally(decision, counts, samples);
    if (decisions.length > 0) await this.applyAll(manager, scope, plan, decisions, counts, samples);
    // Deferred writes add their counts once they have run, which may be as late as the COMMIT.
    scope.afterCommit(() => {
      if (Object.values(counts).some((count) => count > 0)) this.cycles.record(connectorId, counts, samples.errors);
    });
  }

  /**
   * What membersContext reads for a member change of the IdP group `idpGroupId` that names these
   * members, as one statement; IdpGroupService sends it with the group's lock.
   */
  readAheadMembers(idpGroupId: string, memberIds: string[]): [sql: string, params: unknown[]] {
    return [membersContextSql('users u', `u.idpUserId IN (${placeholders(memberIds.length)})`, IDP_GROUP_KEY), [...memberIds, idpGroupId]];
  }

  /** The same for every user member of the IdP group `idpGroupId`, found through its member rows. */
  readAheadGroupMembers(idpGroupId: string): [sql: string, params: unknown[]] {
    return [
      membersContextSql('idp_group_members gm JOIN users u ON u.idpUserId = gm.memberId', "gm.groupId = ? AND gm.memberType = 'User'", IDP_GROUP_KEY),
      [idpGroupId, idpGroupId],
    ];
  }

  /**
   * For a member change of `group`, in one statement: the directory users of the IdP users
   * `idpUserIds`, which of those have a membership an admin or a copy made (`others`), and the
   * directory group's id when it exists. The write's read-ahead serves instead when it named every
   * one of `idpUserIds`.
   */
  private async membersContext(
    manager: EntityManager,
    idpUserIds: string[],
    group: string,
    ahead?: IdpChange['ahead'],
  ): Promise<{ userIds: Map<string, string>; others: Set<string>; groupId: string | null }> {
    const userIds = new Map<string, string>();
    const others = new Set<string>();
    let groupId: string | null = null;
    const read = (rows: MembersContextRow[]) => {
      for (const row of rows) {
        if (row.part === 'g') groupId = row.id;
        else if (row.held !== null) others.add(row.idpUserId!);
        else userIds.set(row.idpUserId!, row.id);
      }
    };
    if (ahead && 'members' in ahead) {
      const named = new Set(ahead.named);
      if (idpUserIds.every((id) => named.has(id))) {
        read(ahead.members as MembersContextRow[]);
        return { userIds, others, groupId };
      }
    }
    for (const [index, batch] of chunks(idpUserIds).entries()) {
      const sql = membersContextSql('users u', `u.idpUserId IN (${placeholders(batch.length)})`, index === 0 ? '?' : undefined);
      read(await manager.query(sql, index === 0 ? [...batch, caseKey(group)] : batch));
    }
    return { userIds, others, groupId };
  }

  /**
   * A member change of an IdP group whose name the policy assigns, when that is all a membership
   * depends on (plan.membershipsFollowGroups), for members whose memberships all come from the IdP
   * and the policy (`userIds`, their directory users): what reconcile() would decide for each,
   * without reading each one's whole state. Joining gives the directory membership; leaving takes
   * it away, unless always assign names the group or never remove matches it. The statements name
   * their rows by key (a DELETE with a subquery would scan the whole table on MariaDB), and are
   * deferred: nothing in the transaction reads their rows, only their counts.
   */
  private async followMembers(
    manager: EntityManager,
    scope: TransactionScope,
    plan: ConnectorPlan,
    members: NonNullable<IdpChange['members']>,
    context: { userIds: Map<string, string>; groupId: string | null },
    counts: SyncCounts,
  ): Promise<void> {
    const directoryUsers = (idpUserIds: string[]) => idpUserIds.flatMap((id) => context.userIds.get(id) ?? []);
    const joined = directoryUsers(members.joined);
    if (joined.length > 0) {
      const groupId = context.groupId ?? (await this.ensureGroups(manager, [{ group: members.group, managedBy: 'IDP' }])).get(caseKey(members.group))!;
      const now = sqlTime(new Date());
      for (const batch of chunks(joined)) {
        await scope.defer(
          `${insertIgnore(this.dataSource.options.type)} INTO memberships (userId, groupId, managedBy, createdAt) VALUES ${batch.map(() => "(?, ?, 'IDP', ?)").join(', ')}`,
          batch.flatMap((userId) => [userId, groupId, now]),
          (rows) => (counts.membershipsAdded += rows),
        );
      }
    }
    const kept = plan.policy.alwaysAssign.some((name) => caseKey(name) === caseKey(members.group)) || plan.policy.neverRemove.some((pattern) => pattern.matches(members.group));
    const left = directoryUsers(members.left);
    if (left.length > 0 && !kept && context.groupId) {
      for (const batch of chunks(left)) {
        await scope.defer(
          `DELETE FROM memberships WHERE groupId = ? AND userId IN (${placeholders(batch.length)})`,
          [context.groupId, ...batch],
          (rows) => (counts.membershipsRemoved += rows),
        );
      }
    }
  }

  /**
   * The connector's plan, compiled again only when its settings changed since (on any node).
   * `settingsVersion` is the connector's, when the caller has read it already.
   */
  private async currentPlan(ctx: RequestContext, manager: EntityManager, connectorId: string, settingsVersion?: number): Promise<ConnectorPlan> {
    const version = settingsVersion ?? Number((await manager.query('SELECT settingsVersion FROM connectors WHERE id = ?', [connectorId]))[0].settingsVersion);
    const cached = this.plans.get(connectorId);
    if (cached && cached.settingsVersion === version) return cached;
    const plan = await this.plan(ctx, connectorId, manager);
    this.plans.set(connectorId, plan);
    return plan;
  }

  /** How many users syncAll would reconcile now: the IdP's users, and the directory's users whose IdP user is gone. */
  async usersToSync(plan: ConnectorPlan): Promise<number> {
    const [{ n: held }] = await this.dataSource.query('SELECT COUNT(*) AS n FROM idp_users WHERE connectorId = ?', [plan.connectorId]);
    const [{ n: orphans }] = await this.dataSource.query('SELECT COUNT(*) AS n FROM users WHERE directoryId = ? AND idpUserId IS NULL', [plan.directoryId]);
    return Number(held) + Number(orphans);
  }

  /**
   * Every user of the connector, in batches: first those the IdP holds, then directory users whose
   * IdP user is gone (deleted in the IdP). `onBatch` sees the counts as they grow, and how many
   * users are done.
   */
  async syncAll(
    plan: ConnectorPlan,
    options: { dryRun: boolean; onBatch?: (counts: SyncCounts, processed: number) => Promise<void> | void },
  ): Promise<{ counts: SyncCounts; samples: SyncSamples }> {
    const counts = zeroCounts();
    const samples = emptySamples();
    // On SQLite, batches handed to Transactions together are committed together (group commit),
    // one after the other: a commit writes every index page its batches touched, and a batch's
    // memberships touch a page of the groupId index for nearly every group. Only one batch's
    // data is in memory at a time all the same.
    const together = !options.dryRun && this.dataSource.options.type === 'better-sqlite3' ? SQLITE_BATCHES_PER_COMMIT : 1;
    let processed = 0;
    const syncPages = async (ids: string[], orphans: boolean) => {
      await Promise.all(chunks(ids, SYNC_BATCH).map((batch) => this.syncBatch(plan, orphans ? [] : batch, orphans ? batch : [], options.dryRun, counts, samples)));
      processed += ids.length;
      await options.onBatch?.(counts, processed);
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

  /**
   * What the next sync would decide for one user of the plan's directory, from the state that
   * `manager` sees: the same inputs and rules as a sync, nothing written. Null when the user's IdP
   * user is gone meanwhile.
   */
  async nextDecision(manager: EntityManager, plan: ConnectorPlan, user: { id: string; idpUserId: string | null }): Promise<Reconciliation | null> {
    const inputs = user.idpUserId ? await this.readInputs(manager, [user.idpUserId], new Map(), true) : await this.orphans(manager, 'id = ?', [user.id]);
    return inputs.length > 0 ? this.decide(plan, inputs)[0].result : null;
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
    const attempt = async (manager: EntityManager, scope: TransactionScope | null) => {
      const batch = { counts: zeroCounts(), samples: emptySamples() };
      await this.reconcileIn(manager, plan, idpUserIds, orphanUserIds, scope, batch.counts, batch.samples);
      return batch;
    };
    const batch = dryRun ? await attempt(this.dataSource.manager, null) : await this.transactions.run((manager, scope) => attempt(manager, scope));
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
    /** The transaction to write in; null for a preview. */
    scope: TransactionScope | null,
    counts: SyncCounts,
    samples: SyncSamples,
  ): Promise<void> {
    const inputs = await this.readInputs(manager, idpUserIds, new Map(), false);
    if (orphanUserIds.length > 0) inputs.push(...(await this.orphans(manager, `id IN (${placeholders(orphanUserIds.length)})`, orphanUserIds)));
    const decisions = this.decide(plan, inputs);
    for (const decision of decisions) tally(decision, counts, samples);
    if (scope) await this.applyAll(manager, scope, plan, decisions, counts, samples);
  }

  /**
   * Writes a batch's decisions in a few statements for the whole batch: the deleted users in one
   * DELETE, the created ones in multi-row INSERTs, the memberships together. A user whose row does
   * not change is not written; a changed one is updated on its own.
   */
  private async applyAll(
    manager: EntityManager,
    scope: TransactionScope,
    plan: ConnectorPlan,
    decisions: Decision[],
    counts: SyncCounts,
    samples: SyncSamples,
  ): Promise<void> {
    const now = sqlTime(new Date());
    /** The users whose memberships are written. */
    const userIds = new Map<Decision, string>();
    const deleted: string[] = [];
    const created: Decision[] = [];
    for (const decision of decisions) {
      if (decision.result.user === 'DELETE') deleted.push(decision.existing!.id);
      else if (decision.result.user === 'CREATE') created.push(decision);
      else if (decision.result.user === 'KEEP' && (await this.updateUser(manager, scope, decision, now, counts, samples))) userIds.set(decision, decision.existing!.id);
    }
    for (const batch of chunks(deleted)) await manager.query(`DELETE FROM users WHERE id IN (${placeholders(batch.length)})`, batch);
    const createdIds = await this.createUsers(manager, scope, plan, created, now, counts, samples);
    for (const [decision, userId] of createdIds) userIds.set(decision, userId);

    const added: Array<{ userId: string; membership: Membership }> = [];
    const removed: Array<{ userId: string; groups: string[] }> = [];
    const retagged: Array<{ userId: string; membership: Membership }> = [];
    for (const [decision, userId] of userIds) {
      for (const membership of decision.result.retagged) retagged.push({ userId, membership });
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
    if (retagged.length > 0) {
      // Rare (an admin's or a copy's membership that the IdP now gives too): one statement each.
      const groupIds = await this.groupIds(manager, retagged.map((item) => item.membership.group));
      for (const { userId, membership } of retagged) {
        await manager.query('UPDATE memberships SET managedBy = ? WHERE userId = ? AND groupId = ?', [
          membership.managedBy,
          userId,
          groupIds.get(caseKey(membership.group)),
        ]);
      }
    }
    // After the batch's own memberships, so that a group the IdP or a policy gives is not marked copied.
    const copied = [...createdIds].map(([decision, id]) => ({ id, userName: decision.attributes!.userName, mappedProperties: decision.mappedProperties }));
    counts.membershipsAdded += await copyFromOtherDirectories(manager, plan.copyBehaviour, copied);
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

  /**
   * What follow() reads of IdP users that a write changes or deletes, as one statement: their
   * directory users, and whether each has a membership that an admin, a copy or a policy made
   * (`others`). IdpUserService sends it with the user's lock; on MySQL that spares a PATCH or a
   * DELETE a round trip of its own.
   */
  readAhead(idpUserIds: string[]): [sql: string, params: unknown[]] {
    return [
      `${DIRECTORY_USER_PART}, EXISTS (SELECT 1 FROM memberships m WHERE m.userId = u.id AND m.managedBy <> 'IDP') AS others
       FROM users u WHERE u.idpUserId IN (${placeholders(idpUserIds.length)})`,
      idpUserIds,
    ];
  }

  /** The readAhead rows of these IdP users: `ahead` when the write read them already. */
  private async directoryUsers(manager: EntityManager, idpUserIds: string[], ahead?: unknown[]): Promise<Array<InputRow & { others: unknown }>> {
    if (ahead) return ahead as Array<InputRow & { others: unknown }>;
    const rows: Array<InputRow & { others: unknown }> = [];
    for (const batch of chunks(idpUserIds)) rows.push(...(await manager.query(...this.readAhead(batch))));
    return rows;
  }

  /**
   * For IdP users whose attributes or `active` changed, under a plan whose memberships they cannot
   * change (plan.attributesLeaveMemberships): their directory users alone. A user whose memberships
   * all come from the IdP has them as its IdP groups say, and this change left those alone:
   * reconcile() then decides the user's row from no groups and no memberships, and no membership
   * changes. The others are answered in `whole`, for a whole reconciliation: those with a
   * membership an admin, a copy or a policy made, and those without a directory user yet.
   */
  private async readUsersAlone(
    manager: EntityManager,
    idpUserIds: string[],
    known: Map<string, IdpUserState>,
    ahead?: unknown[],
  ): Promise<{ inputs: UserInputs[]; whole: string[] }> {
    const inputs: UserInputs[] = [];
    const alone = new Set<string>();
    const wanted = new Set(idpUserIds);
    for (const row of await this.directoryUsers(manager, idpUserIds, ahead)) {
      if (!wanted.has(row.ref) || Number(row.others) === 1) continue;
      alone.add(row.ref);
      inputs.push({ idpUser: known.get(row.ref)!, idpGroups: [], current: directoryUserOf(row), memberships: [] });
    }
    return { inputs, whole: idpUserIds.filter((id) => !alone.has(id)) };
  }

  /**
   * Reads what reconciliation needs of the IdP users `idpUserIds` (those in `known` are not read
   * again): their groups in the IdP, their directory users and those users' memberships.
   */
  private async readInputs(manager: EntityManager, idpUserIds: string[], known: Map<string, IdpUserState>, namesJoined: boolean): Promise<UserInputs[]> {
    const idpUsers = new Map<string, IdpUserState>();
    const idpGroups = new Map<string, string[]>();
    const current = new Map<string, DirectoryUserRow>();
    const memberships = new Map<string, Membership[]>();
    for (const batch of chunks([...new Set(idpUserIds)])) {
      const unknown = batch.filter((id) => !known.has(id));
      // One statement, one round trip: each part's rows say which they are.
      const rows: InputRow[] = await manager.query(inputsQuery(batch.length, unknown.length, namesJoined), [...unknown, ...batch, ...batch, ...batch]);
      const groupRows = rows.filter((row) => row.part === 'g');
      const membershipRows = rows.filter((row) => row.part === 'm');
      const [idpNames, names] = namesJoined
        ? [new Map(groupRows.map((row) => [row.c1!, row.c3 as string])), new Map(membershipRows.map((row) => [row.c1!, row.c3 as string]))]
        : [
            await namesOf(manager, 'idp_groups', 'displayName', groupRows.map((row) => row.c1!)),
            await namesOf(manager, 'groups', 'name', membershipRows.map((row) => row.c1!)),
          ];
      for (const row of rows) {
        if (row.part === 'i') idpUsers.set(row.ref, { id: row.ref, userName: row.c1!, active: Boolean(Number(row.c2)), resource: readJson(row.c3) });
        else if (row.part === 'u') current.set(row.ref, directoryUserOf(row));
      }
      for (const row of groupRows) if (idpNames.has(row.c1!)) append(idpGroups, row.ref, idpNames.get(row.c1!)!);
      for (const row of membershipRows) if (names.has(row.c1!)) append(memberships, row.ref, { group: names.get(row.c1!)!, managedBy: row.c2 as MembershipSource });
      for (const id of batch) if (known.has(id)) idpUsers.set(id, known.get(id)!);
    }
    return [...idpUsers.values()].map((idpUser) => ({
      idpUser,
      idpGroups: idpGroups.get(idpUser.id) ?? [],
      current: current.get(idpUser.id) ?? null,
      memberships: memberships.get(idpUser.id) ?? [],
    }));
  }

  /** Directory users that lost their IdP user (`where` picks them), for cleanup. */
  private async orphans(manager: EntityManager, where: string, params: string[]): Promise<UserInputs[]> {
    const users: DirectoryUserRow[] = await manager.query(`SELECT * FROM users WHERE ${where}`, params);
    const memberships = await this.membershipsOf(manager, users.map((user) => user.id));
    return users.map((current) => ({ idpUser: null, idpGroups: [], current, memberships: memberships.get(current.id) ?? [] }));
  }

  /**
   * The directory users of IdP users being deleted (orphans from now on). Their memberships are
   * not read: cleanup leaves them as they are, and a user it deletes takes them along.
   */
  private async readLeaving(manager: EntityManager, idpUserIds: string[], ahead?: unknown[]): Promise<UserInputs[]> {
    const leaving = new Set(idpUserIds);
    return (await this.directoryUsers(manager, idpUserIds, ahead))
      .filter((row) => leaving.has(row.ref))
      .map((row) => ({ idpUser: null, idpGroups: [], current: directoryUserOf(row), memberships: [] }));
  }

  private decide(plan: ConnectorPlan, inputs: UserInputs[]): Decision[] {
    return inputs.map(({ idpUser, idpGroups, current, memberships }) => {
      if (!idpUser) {
        const result = reconcile(null, directorySide(current!, memberships), plan.policy, plan.cleanupAction);
        return { label: current!.userName, idpUserId: null, existing: current, attributes: null, mappedProperties: {}, result };
      }
      const mapped = idpUser.mapped ?? plan.mappings.run(idpUser.resource);
      const result = reconcile(
        { active: idpUser.active, groups: [...idpGroups, ...mapped.groupNames], dropped: mapped.dropped },
        current && directorySide(current, memberships),
        plan.policy,
        plan.cleanupAction,
      );
      return {
        label: current?.userName ?? idpUser.userName,
        idpUserId: idpUser.id,
        existing: current,
        attributes: attributesOf(mapped, current, idpUser.userName),
        mappedProperties: mapped.properties,
        result,
      };
    });
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
    scope: TransactionScope,
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
    // A clash is caught and reported user by user: the statements that may clash go alone.
    if (decisions.length > 0) await scope.flush();
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

  /**
   * Updates a kept user's row when it changes; answers false when its new userName is taken. An
   * UPDATE that leaves the userName alone can break no unique key: it is deferred.
   */
  private async updateUser(
    manager: EntityManager,
    scope: TransactionScope,
    decision: Decision,
    now: string,
    counts: SyncCounts,
    samples: SyncSamples,
  ): Promise<boolean> {
    const { result, attributes } = decision;
    const existing = decision.existing!;
    const changes = changedColumns(existing, attributes ?? attributesOfRow(existing), result, decision.idpUserId);
    if (changes.length === 0) return true;
    // Only the columns that change: an index whose columns are not set is not touched.
    const sql = `UPDATE users SET ${changes.map(([column]) => `${column} = ?`).join(', ')}, updatedAt = ? WHERE id = ?`;
    const params = [...changes.map(([, value]) => value), now, existing.id];
    if (!changes.some(([column]) => column === 'userNameKey')) {
      await scope.defer(sql, params);
      return true;
    }
    await scope.flush();
    try {
      await manager.query(sql, params);
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

interface MembersContextRow {
  part: 'u' | 'g';
  idpUserId: string | null;
  id: string;
  held: string | null;
}

/** The directory group's name key, as an SQL expression of its IdP group's id. */
const IDP_GROUP_KEY = '(SELECT displayNameKey FROM idp_groups WHERE id = ?)';

/**
 * membersContext's statement: the directory users `u` that `from` and `where` pick and, when
 * `groupKey` is given (an SQL expression of the directory group's name key), the group's id; the
 * parameters are those of `where`, then that of `groupKey`. A user answers one row with no `held`
 * when it has no membership an admin or a copy made, else one row per such membership. A left join
 * walks each user's few memberships by the primary key: an EXISTS cost MariaDB a fifth more (a
 * subquery run per user), and a join with GROUP BY sorted the rows in a temporary table first.
 */
function membersContextSql(from: string, where: string, groupKey?: string): string {
  return `SELECT 'u' AS part, u.idpUserId, u.id, m.managedBy AS held
     FROM ${from} LEFT JOIN memberships m ON m.userId = u.id AND m.managedBy IN ('LOCAL', 'COPIED')
     WHERE ${where}${groupKey ? ` UNION ALL SELECT 'g', NULL, id, NULL FROM \`groups\` WHERE nameKey = ${groupKey}` : ''}`;
}

/** A row of inputsQuery: `part` says what it is, `ref` the IdP user it belongs to. */
interface InputRow {
  part: 'i' | 'g' | 'u' | 'm';
  ref: string;
  c1: string | null;
  c2: unknown;
  c3: unknown;
  c4: string | null;
  c5: string | null;
  c6: string | null;
  c7: string | null;
  c8: unknown;
  c9: unknown;
}

/**
 * The directory user of an IdP user, as a u row of inputsQuery; its columns are named, since it is
 * also read on its own (readAhead).
 */
const DIRECTORY_USER_PART =
  "SELECT 'u' AS part, u.idpUserId AS ref, u.id AS c1, u.userName AS c2, u.displayName AS c3, u.email AS c4, u.firstName AS c5, u.lastName AS c6, u.disabledReason AS c7, u.active AS c8, u.properties AS c9";

/**
 * What reconciliation reads of some IdP users, as one UNION ALL: the IdP users not known already
 * (i), the ids of their IdP groups (g), their directory users (u) and those users' memberships
 * with their groups' ids (m). With `namesJoined`, g and m rows carry their groups' names too: one
 * round trip for the few users a SCIM write touches, where a full sync's batch of thousands of
 * memberships reads each group's name once instead (namesOf).
 */
function inputsQuery(count: number, unknownCount: number, namesJoined: boolean): string {
  const ids = placeholders(count);
  const parts: string[] = [];
  if (unknownCount > 0) {
    parts.push(
      `SELECT 'i' AS part, id AS ref, userName AS c1, active AS c2, resource AS c3, NULL AS c4, NULL AS c5, NULL AS c6, NULL AS c7, NULL AS c8, NULL AS c9
       FROM idp_users WHERE id IN (${placeholders(unknownCount)})`,
    );
  }
  parts.push(
    namesJoined
      ? `SELECT 'g' AS part, m.memberId AS ref, m.groupId AS c1, NULL AS c2, g.displayName AS c3, NULL AS c4, NULL AS c5, NULL AS c6, NULL AS c7, NULL AS c8, NULL AS c9
         FROM idp_group_members m JOIN idp_groups g ON g.id = m.groupId WHERE m.memberId IN (${ids})`
      : `SELECT 'g' AS part, memberId AS ref, groupId AS c1, NULL AS c2, NULL AS c3, NULL AS c4, NULL AS c5, NULL AS c6, NULL AS c7, NULL AS c8, NULL AS c9
         FROM idp_group_members WHERE memberId IN (${ids})`,
    `${DIRECTORY_USER_PART} FROM users u WHERE u.idpUserId IN (${ids})`,
    namesJoined
      ? `SELECT 'm', u.idpUserId, m.groupId, m.managedBy, g.name, NULL, NULL, NULL, NULL, NULL, NULL
         FROM users u JOIN memberships m ON m.userId = u.id JOIN \`groups\` g ON g.id = m.groupId WHERE u.idpUserId IN (${ids})`
      : `SELECT 'm', u.idpUserId, m.groupId, m.managedBy, NULL, NULL, NULL, NULL, NULL, NULL, NULL
         FROM users u JOIN memberships m ON m.userId = u.id WHERE u.idpUserId IN (${ids})`,
  );
  return parts.join(' UNION ALL ');
}

function directoryUserOf(row: InputRow): DirectoryUserRow {
  return {
    id: row.c1!,
    idpUserId: row.ref,
    userName: row.c2 as string,
    displayName: row.c3 as string | null,
    email: row.c4,
    firstName: row.c5,
    lastName: row.c6,
    disabledReason: row.c7 as DisabledReason | null,
    active: row.c8,
    properties: row.c9,
  };
}

function emptySamples(): SyncSamples {
  return { created: [], updated: [], disabled: [], enabled: [], deleted: [], membershipsAdded: [], membershipsRemoved: [], errors: [] };
}

function stateOf(user: IdpUserRecord): IdpUserState {
  return { id: user.id, userName: user.userName, active: user.active, resource: user.resource };
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

/** The entries of `value` that are given: neither undefined nor null (a list GraphQL left out). */
function given<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined && item !== null)) as Partial<T>;
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
  return {
    // A user cannot be without a name: a cleared userName keeps the one it has.
    userName: mapped.userName || base.userName,
    displayName: pick(mapped.displayName, base.displayName),
    email: pick(mapped.email, base.email),
    firstName: pick(mapped.firstName, base.firstName),
    lastName: pick(mapped.lastName, base.lastName),
    properties: withMappedProperties(base.properties, mapped.properties),
  };
}

/**
 * The users columns whose values `attributes` and `result` change, with their new values. The
 * link to the IdP user goes too when the IdP deletes it: the foreign key would clear it anyway,
 * but only by writing the row a second time.
 */
function changedColumns(user: DirectoryUserRow, attributes: Attributes, result: Reconciliation, idpUserId: string | null): Array<[string, unknown]> {
  const was = attributesOfRow(user);
  const columns: Array<[string, unknown, boolean]> = [
    ['idpUserId', idpUserId, idpUserId !== user.idpUserId],
    ['userName', attributes.userName, attributes.userName !== was.userName],
    ['userNameKey', caseKey(attributes.userName), caseKey(attributes.userName) !== caseKey(was.userName)],
    ['displayName', attributes.displayName, attributes.displayName !== was.displayName],
    ['email', attributes.email, attributes.email !== was.email],
    ['firstName', attributes.firstName, attributes.firstName !== was.firstName],
    ['lastName', attributes.lastName, attributes.lastName !== was.lastName],
    ['active', sqlBool(result.active), result.active !== Boolean(Number(user.active))],
    ['disabledReason', result.disabledReason, result.disabledReason !== user.disabledReason],
    ['properties', JSON.stringify(attributes.properties), JSON.stringify(attributes.properties) !== JSON.stringify(was.properties)],
  ];
  return columns.filter(([, , changes]) => changes).map(([column, value]) => [column, value]);
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
    } else if (decision.attributes && changedColumns(existing, decision.attributes, result, decision.idpUserId).length > 0) {
      counts.usersUpdated += 1;
      sample(samples.updated, label);
    }
  }
  counts.membershipsAdded += result.added.length;
  counts.membershipsRemoved += result.user === 'DELETE' ? 0 : result.removed.length;
  for (const membership of result.added) sample(samples.membershipsAdded, `${label} → ${membership.group}`);
  if (result.user !== 'DELETE') for (const membership of result.removed) sample(samples.membershipsRemoved, `${label} ✕ ${membership.group}`);
}
