import { DataSource, IsNull } from 'typeorm';
import { newId } from '../../db/columns';
import { AdminRole, AdminTokenEntity } from '../../db/entities/admin-token.entity';
import { isUniqueViolation } from '../../db/errors';
import { forUpdate } from '../../db/sql';
import type { Transactions } from '../../db/transactions';
import type { AuditService } from '../audit/audit.service';
import type { Actor, RequestContext } from '../context';
import { DomainError } from '../errors';
import { validName } from '../names';
import { hashesEqual, hashToken, issueToken } from '../secrets';

/** The name of the token generated on the first start; unique, so two nodes starting together make one. */
export const INITIAL_ADMIN_TOKEN_NAME = 'initial-admin';
const LAST_USED_RESOLUTION_MS = 60_000;

export class AdminTokenService {
  private readonly configuredTokenHash: string | null;

  /** @param configuredToken ADMIN_TOKEN, when the operator set one: an ADMIN token kept in memory only. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    configuredToken: string | undefined,
  ) {
    this.configuredTokenHash = configuredToken ? hashToken(configuredToken) : null;
  }

  /**
   * On a database with no live admin token and no ADMIN_TOKEN configured, issues one and answers
   * it in clear (for the operator, once). Answers null otherwise.
   */
  async ensureInitialToken(): Promise<string | null> {
    if (this.configuredTokenHash) return null;
    const repository = this.dataSource.getRepository(AdminTokenEntity);
    if ((await repository.countBy({ revokedAt: IsNull() })) > 0) return null;
    const issued = issueToken('admin');
    try {
      await this.transactions.run((manager) => manager.insert(AdminTokenEntity, {
        id: newId(),
        name: INITIAL_ADMIN_TOKEN_NAME,
        role: 'ADMIN',
        prefix: issued.prefix,
        hash: issued.hash,
        createdAt: new Date(),
        lastUsedAt: null,
        revokedAt: null,
      }));
    } catch (error) {
      // Another node made it first, or it was revoked: ADMIN_TOKEN is then the way back in.
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return issued.token;
  }

  /** The admin a bearer token stands for, or null when it stands for none. */
  async authenticate(token: string): Promise<Actor | null> {
    const hash = hashToken(token);
    if (this.configuredTokenHash && hashesEqual(this.configuredTokenHash, hash)) {
      return { kind: 'admin', tokenId: null, name: 'ADMIN_TOKEN', role: 'ADMIN' };
    }
    const repository = this.dataSource.getRepository(AdminTokenEntity);
    // The lookup is by hash, so a timing difference could only reveal bits of a SHA-256 digest.
    const row = await repository.findOneBy({ hash, revokedAt: IsNull() });
    if (!row || !hashesEqual(row.hash, hash)) return null;
    const now = new Date();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.transactions.run((manager) => manager.update(AdminTokenEntity, { id: row.id }, { lastUsedAt: now }));
    }
    return { kind: 'admin', tokenId: row.id, name: row.name, role: row.role };
  }

  /** Every admin token, live ones first, then by name; the hash stays inside. */
  async list(_ctx: RequestContext): Promise<AdminTokenEntity[]> {
    const tokens = await this.dataSource.getRepository(AdminTokenEntity).find({ order: { name: 'ASC' } });
    return [...tokens.filter((token) => !token.revokedAt), ...tokens.filter((token) => token.revokedAt)];
  }

  /** Issues a named token with a role; the token in clear is in this answer only. */
  async create(ctx: RequestContext, rawName: string, role: AdminRole): Promise<{ adminToken: AdminTokenEntity; token: string }> {
    const name = validName(rawName);
    const issued = issueToken('admin');
    const adminToken: AdminTokenEntity = {
      id: newId(),
      name,
      role,
      prefix: issued.prefix,
      hash: issued.hash,
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    };
    try {
      await this.transactions.run(async (manager) => {
        await manager.insert(AdminTokenEntity, adminToken);
        await this.audit.record(manager, ctx, { action: 'adminToken.create', targetType: 'AdminToken', targetId: adminToken.id, after: { name, role, prefix: issued.prefix } });
      });
    } catch (error) {
      // Names stay unique after a revoke too: the audit trail names tokens, and must not confuse two.
      if (isUniqueViolation(error)) throw new DomainError('CONFLICT', `an admin token named "${name}" exists already`, { field: 'name' });
      throw error;
    }
    return { adminToken, token: issued.token };
  }

  /**
   * Revokes a token: it stops working at once, on every node (each request looks its token up).
   * The last live ADMIN token is kept when no ADMIN_TOKEN is configured: nobody could administer
   * the service any more.
   */
  async revoke(ctx: RequestContext, id: string): Promise<AdminTokenEntity> {
    return this.transactions.run(async (manager) => {
      // Locked, so that two admins revoking the last two ADMIN tokens at once cannot both succeed.
      const live: Array<{ id: string; role: AdminRole }> = await manager.query(
        `SELECT id, role FROM admin_tokens WHERE revokedAt IS NULL${forUpdate(this.dataSource.options.type)}`,
      );
      const token = await manager.findOneBy(AdminTokenEntity, { id });
      if (!token) throw new DomainError('NOT_FOUND', `no admin token with id "${id}"`);
      if (token.revokedAt) return token;
      if (token.role === 'ADMIN' && !this.configuredTokenHash && live.filter((candidate) => candidate.role === 'ADMIN').length === 1) {
        throw new DomainError('CONFLICT', 'this is the last ADMIN token, and no ADMIN_TOKEN is configured: create another ADMIN token first');
      }
      const revoked = { ...token, revokedAt: new Date() };
      await manager.update(AdminTokenEntity, { id }, { revokedAt: revoked.revokedAt });
      await this.audit.record(manager, ctx, { action: 'adminToken.revoke', targetType: 'AdminToken', targetId: id, before: { name: token.name, role: token.role } });
      return revoked;
    });
  }
}
