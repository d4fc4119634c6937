import { DataSource, EntityManager, In } from 'typeorm';
import { newId } from '../../db/columns';
import { ConnectorTokenEntity } from '../../db/entities/connector-token.entity';
import { CleanupAction, ConnectorEntity, CopyBehaviour, DEFAULT_COPY_BEHAVIOUR } from '../../db/entities/connector.entity';
import { DirectoryEntity } from '../../db/entities/directory.entity';
import { forUpdate, placeholders, readTime, sqlTime } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../context';
import { DomainError } from '../errors';
import { validName } from '../names';
import type { SettingsChanges } from './settings-changes';
import { hashesEqual, hashToken, issueToken } from '../secrets';

/** A week: long enough to roll a new token out to an IdP, short enough that a leak does not linger. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;
/** lastUsedAt is a hint for admins; writing it at most this often keeps SCIM requests read-only. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** Rows a connector's delete removes per transaction: a user takes its memberships along. */
const DELETE_BATCH = 500;
/** How long a verified SCIM token is trusted without a read: the delay before another node sees a change. */
export const AUTH_CACHE_MS = 5_000;

export interface NewConnector {
  name: string;
}

/** The settings an admin may change; each left out stays. */
export interface ConnectorChanges {
  name?: string;
  enabled?: boolean;
  cleanupAction?: CleanupAction;
  logFreeMemory?: boolean;
  copyBehaviour?: CopyBehaviour;
}

export interface ConnectorWithToken {
  connector: ConnectorEntity;
  /** The bearer token in clear: shown in this answer only. */
  token: string;
}

export class ConnectorService {
  /** The last token verified per connector, and until when it is trusted without a read. */
  private readonly verified = new Map<string, { hash: string; until: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly settingsChanges: SettingsChanges,
  ) {}

  async create(ctx: RequestContext, input: NewConnector): Promise<ConnectorWithToken> {
    const name = validName(input.name);
    const now = new Date();
    const directory: DirectoryEntity = { id: newId(), kind: 'CONNECTOR', name, createdAt: now };
    const connector: ConnectorEntity = {
      id: newId(),
      name,
      directoryId: directory.id,
      enabled: true,
      cleanupAction: 'DISABLE',
      copyBehaviour: { ...DEFAULT_COPY_BEHAVIOUR },
      logFreeMemory: false,
      settingsVersion: 0,
      syncedSettingsVersion: 0,
      syncLeaseOwner: null,
      syncLeaseUntil: null,
      createdAt: now,
      updatedAt: now,
    };
    const issued = issueToken('scim');
    await this.transactions.run(async (manager) => {
      await manager.insert(DirectoryEntity, directory);
      await manager.insert(ConnectorEntity, connector);
      await manager.insert(ConnectorTokenEntity, {
        id: newId(),
        connectorId: connector.id,
        prefix: issued.prefix,
        hash: issued.hash,
        createdAt: now,
        lastUsedAt: null,
        expiresAt: null,
      });
      await this.audit.record(manager, ctx, {
        action: 'connector.create',
        targetType: 'Connector',
        targetId: connector.id,
        after: { name },
      });
    });
    return { connector, token: issued.token };
  }

  async list(_ctx: RequestContext): Promise<ConnectorEntity[]> {
    return this.dataSource.getRepository(ConnectorEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Every directory: the local one first, then the connectors' by name (copy behaviour's sources). */
  async directories(_ctx: RequestContext): Promise<DirectoryEntity[]> {
    const all = await this.dataSource.getRepository(DirectoryEntity).find({ order: { name: 'ASC', id: 'ASC' } });
    return [...all.filter((directory) => directory.kind === 'LOCAL'), ...all.filter((directory) => directory.kind !== 'LOCAL')];
  }

  async find(_ctx: RequestContext, id: string): Promise<ConnectorEntity | null> {
    return this.dataSource.getRepository(ConnectorEntity).findOneBy({ id });
  }

  async get(ctx: RequestContext, id: string): Promise<ConnectorEntity> {
    const connector = await this.find(ctx, id);
    if (!connector) throw new DomainError('NOT_FOUND', `no connector with id "${id}"`);
    return connector;
  }

  /** Changes a connector's settings, audited with their state before and after. */
  async update(ctx: RequestContext, id: string, changes: ConnectorChanges): Promise<ConnectorEntity> {
    const name = changes.name === undefined ? undefined : validName(changes.name);
    const updated = await this.transactions.run(async (manager, scope) => {
      const current = await manager.findOneBy(ConnectorEntity, { id });
      if (!current) throw new DomainError('NOT_FOUND', `no connector with id "${id}"`);
      if (changes.copyBehaviour) await validCopySources(manager, current, changes.copyBehaviour);
      const next: ConnectorEntity = {
        ...current,
        ...(name === undefined ? {} : { name }),
        ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
        ...(changes.cleanupAction === undefined ? {} : { cleanupAction: changes.cleanupAction }),
        ...(changes.logFreeMemory === undefined ? {} : { logFreeMemory: changes.logFreeMemory }),
        ...(changes.copyBehaviour === undefined ? {} : { copyBehaviour: changes.copyBehaviour }),
        updatedAt: new Date(),
      };
      await manager.update(ConnectorEntity, { id }, {
        name: next.name,
        enabled: next.enabled,
        cleanupAction: next.cleanupAction,
        logFreeMemory: next.logFreeMemory,
        copyBehaviour: next.copyBehaviour,
        updatedAt: next.updatedAt,
      });
      // The directory goes by its connector's name (copy behaviour lists it so).
      if (next.name !== current.name) await manager.update(DirectoryEntity, { id: current.directoryId }, { name: next.name });
      await this.audit.record(manager, ctx, {
        action: 'connector.update',
        targetType: 'Connector',
        targetId: id,
        before: settingsOf(current),
        after: settingsOf(next),
      });
      const reconciled = (connector: ConnectorEntity) => JSON.stringify([connector.cleanupAction, connector.copyBehaviour]);
      if (reconciled(next) !== reconciled(current)) await this.settingsChanges.record(ctx, manager, scope, id);
      return next;
    });
    // A disabled connector's token must stop working on this node at once.
    this.verified.delete(id);
    return updated;
  }

  /**
   * Deletes a connector with its directory (users and their memberships), its IdP layer, tokens,
   * settings, sync runs and provisioning events. `confirmName` must repeat the connector's name.
   * The connector is disabled first (its SCIM endpoint answers 403), then its rows go in batches
   * of one transaction each, so that no transaction holds a large directory's locks for long; a
   * delete stopped midway leaves a disabled connector that the same call deletes the rest of.
   * The local groups stay, and so do groups that other directories' users belong to.
   */
  async delete(ctx: RequestContext, id: string, confirmName: string): Promise<ConnectorEntity> {
    const connector = await this.transactions.run(async (manager) => {
      const [current] = await manager.query(`SELECT id FROM connectors WHERE id = ?${forUpdate(this.dataSource.options.type)}`, [id]);
      const found = current && (await manager.findOneBy(ConnectorEntity, { id }));
      if (!found) throw new DomainError('NOT_FOUND', `no connector with id "${id}"`);
      if (confirmName !== found.name) {
        throw new DomainError('INVALID_INPUT', 'confirmName must repeat the connector’s name exactly', { field: 'confirmName' });
      }
      if (found.syncLeaseOwner && found.syncLeaseUntil && found.syncLeaseUntil > new Date()) {
        throw new DomainError('CONFLICT', 'a full sync of this connector is running; delete it once the sync has ended');
      }
      const copying = (await manager.find(ConnectorEntity, { order: { name: 'ASC' } })).filter((other) =>
        other.copyBehaviour.sourceDirectoryIds.includes(found.directoryId),
      );
      if (copying.length > 0) {
        throw new DomainError('CONFLICT', `${copying.map((other) => `"${other.name}"`).join(', ')} copy users from this connector’s directory; take it out of their copy behaviour first`);
      }
      await manager.update(ConnectorEntity, { id }, { enabled: false, updatedAt: new Date() });
      await this.audit.record(manager, ctx, { action: 'connector.delete', targetType: 'Connector', targetId: id, before: settingsOf(found) });
      return found;
    });
    this.verified.delete(id);
    const batches: Array<[table: string, where: string, param: string]> = [
      ['users', 'directoryId = ?', connector.directoryId],
      ['idp_users', 'connectorId = ?', id],
      ['idp_groups', 'connectorId = ?', id],
      ['provisioning_events', 'connectorId = ?', id],
      ['sync_runs', 'connectorId = ?', id],
    ];
    for (const [table, where, param] of batches) await this.deleteInBatches(table, where, param);
    // The rest is small, and cascades from these rows: tokens, settings, and whatever SCIM writes
    // other nodes let in before they saw the connector disabled.
    await this.transactions.run(async (manager) => {
      await manager.delete(ConnectorEntity, { id });
      await manager.delete(DirectoryEntity, { id: connector.directoryId });
    });
    return connector;
  }

  /** Deletes the rows of `table` that `where` picks, DELETE_BATCH a transaction; their cascades go with them. */
  private async deleteInBatches(table: string, where: string, param: string): Promise<void> {
    for (;;) {
      const done = await this.transactions.run(async (manager) => {
        const rows: Array<{ id: unknown }> = await manager.query(`SELECT id FROM ${table} WHERE ${where} ORDER BY id LIMIT ?`, [param, DELETE_BATCH]);
        if (rows.length > 0) await manager.query(`DELETE FROM ${table} WHERE id IN (${placeholders(rows.length)})`, rows.map((row) => row.id));
        return rows.length < DELETE_BATCH;
      });
      if (done) return;
    }
  }

  /**
   * Issues a new token. Older tokens keep working for `graceSeconds` (0: they stop at once), so
   * the IdP can be switched over without a failed provisioning cycle; a grace never lengthens an
   * earlier one.
   */
  async rotateToken(ctx: RequestContext, connectorId: string, graceSeconds = 0): Promise<{ token: string }> {
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
      throw new DomainError('INVALID_INPUT', `graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS}`, {
        field: 'graceSeconds',
      });
    }
    const now = new Date();
    const oldTokensEnd = new Date(now.getTime() + graceSeconds * 1000);
    const issued = issueToken('scim');
    await this.transactions.run(async (manager) => {
      const connector = await manager.findOneBy(ConnectorEntity, { id: connectorId });
      if (!connector) throw new DomainError('NOT_FOUND', `no connector with id "${connectorId}"`);
      await manager
        .createQueryBuilder()
        .update(ConnectorTokenEntity)
        .set({ expiresAt: oldTokensEnd })
        .where('connectorId = :connectorId', { connectorId })
        .andWhere('(expiresAt IS NULL OR expiresAt > :end)', { end: oldTokensEnd })
        .execute();
      await manager.insert(ConnectorTokenEntity, {
        id: newId(),
        connectorId,
        prefix: issued.prefix,
        hash: issued.hash,
        createdAt: now,
        lastUsedAt: null,
        expiresAt: null,
      });
      await this.audit.record(manager, ctx, {
        action: 'connector.rotateToken',
        targetType: 'Connector',
        targetId: connectorId,
        after: { graceSeconds, newTokenPrefix: issued.prefix },
      });
    });
    this.verified.delete(connectorId);
    return { token: issued.token };
  }

  /** Each connector's tokens, newest first, in one statement; hashes stay inside. */
  async tokensOf(_ctx: RequestContext, connectorIds: readonly string[]): Promise<Map<string, ConnectorTokenEntity[]>> {
    const tokens = new Map<string, ConnectorTokenEntity[]>(connectorIds.map((id) => [id, []]));
    if (connectorIds.length === 0) return tokens;
    const rows = await this.dataSource.getRepository(ConnectorTokenEntity).find({
      where: { connectorId: In([...connectorIds]) },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    for (const row of rows) tokens.get(row.connectorId)!.push(row);
    return tokens;
  }

  /**
   * Ends one of a connector's tokens at once, on this node now and on others within
   * AUTH_CACHE_MS. Revoking a token that has ended already changes nothing.
   */
  async revokeToken(ctx: RequestContext, connectorId: string, tokenId: string): Promise<ConnectorTokenEntity> {
    const revoked = await this.transactions.run(async (manager) => {
      const token = await manager.findOneBy(ConnectorTokenEntity, { id: tokenId, connectorId });
      if (!token) throw new DomainError('NOT_FOUND', `connector "${connectorId}" has no token with id "${tokenId}"`);
      const now = new Date();
      if (token.expiresAt && token.expiresAt <= now) return token;
      await manager.update(ConnectorTokenEntity, { id: tokenId }, { expiresAt: now });
      await this.audit.record(manager, ctx, {
        action: 'connector.revokeToken',
        targetType: 'Connector',
        targetId: connectorId,
        before: { tokenPrefix: token.prefix, expiresAt: token.expiresAt?.toISOString() ?? null },
        after: { tokenPrefix: token.prefix, expiresAt: now.toISOString() },
      });
      return { ...token, expiresAt: now };
    });
    this.verified.delete(connectorId);
    return revoked;
  }

  /**
   * Checks a SCIM request's bearer token: it must be one of this connector's live tokens
   * (compared in constant time), and the connector must be enabled. A successful check is
   * remembered for AUTH_CACHE_MS, so that Entra's bursts cost no read each; rotating here clears
   * it at once, and another node sees a rotation or a disable within AUTH_CACHE_MS.
   */
  async authenticate(connectorId: string, token: string): Promise<void> {
    const presented = hashToken(token);
    const now = Date.now();
    const cached = this.verified.get(connectorId);
    if (cached && cached.until > now && hashesEqual(cached.hash, presented)) return;

    const rows: Array<{ id: string; hash: string; lastUsedAt: unknown; expiresAt: unknown; enabled: unknown }> = await this.dataSource.query(
      `SELECT t.id, t.hash, t.lastUsedAt, t.expiresAt, c.enabled FROM connector_tokens t JOIN connectors c ON c.id = t.connectorId
       WHERE t.connectorId = ? AND (t.expiresAt IS NULL OR t.expiresAt > ?)`,
      [connectorId, sqlTime(new Date(now))],
    );
    // Compare with every candidate, so the time taken does not tell which one matched.
    const match = rows.reduce<(typeof rows)[number] | null>(
      (found, candidate) => (hashesEqual(candidate.hash, presented) ? candidate : found),
      null,
    );
    if (!match) throw new DomainError('UNAUTHENTICATED', 'the bearer token is not valid for this connector');
    if (!Number(match.enabled)) throw new DomainError('FORBIDDEN', 'this connector is disabled');
    const tokenEnds = match.expiresAt ? readTime(match.expiresAt).getTime() : Infinity;
    this.verified.set(connectorId, { hash: presented, until: Math.min(now + AUTH_CACHE_MS, tokenEnds) });
    if (!match.lastUsedAt || now - readTime(match.lastUsedAt).getTime() > LAST_USED_RESOLUTION_MS) {
      await this.transactions.run((manager) => manager.update(ConnectorTokenEntity, { id: match.id }, { lastUsedAt: new Date(now) }));
    }
  }
}

function settingsOf(connector: ConnectorEntity) {
  return {
    name: connector.name,
    enabled: connector.enabled,
    cleanupAction: connector.cleanupAction,
    logFreeMemory: connector.logFreeMemory,
    copyBehaviour: { ...connector.copyBehaviour },
  };
}

/** Copy sources must be other directories that exist, each named once. */
async function validCopySources(manager: EntityManager, connector: ConnectorEntity, copy: CopyBehaviour): Promise<void> {
  const ids = copy.sourceDirectoryIds;
  if (new Set(ids).size !== ids.length) throw new DomainError('INVALID_INPUT', 'a source directory is named twice', { field: 'copyBehaviour' });
  if (ids.includes(connector.directoryId)) {
    throw new DomainError('INVALID_INPUT', 'a connector cannot copy from its own directory', { field: 'copyBehaviour' });
  }
  const found = ids.length === 0 ? [] : await manager.findBy(DirectoryEntity, { id: In(ids) });
  const missing = ids.filter((id) => !found.some((directory) => directory.id === id));
  if (missing.length > 0) throw new DomainError('INVALID_INPUT', `no directory with id ${missing.map((id) => `"${id}"`).join(', ')}`, { field: 'copyBehaviour' });
}
