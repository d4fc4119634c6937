import { DataSource, IsNull } from 'typeorm';
import { newId } from '../../db/columns';
import { AdminTokenEntity } from '../../db/entities/admin-token.entity';
import { isUniqueViolation } from '../../db/errors';
import type { Transactions } from '../../db/transactions';
import type { Actor } from '../context';
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
}
