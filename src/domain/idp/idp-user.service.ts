import type { DataSource } from 'typeorm';
import { caseKey, newOrderedId } from '../../db/columns';
import { isUniqueViolation } from '../../db/errors';
import { placeholders, readJson, readTime, setChanged, sqlBool, sqlTime } from '../../db/sql';
import type { Transactions, TransactionScope } from '../../db/transactions';
import type { RequestContext } from '../context';
import { DomainError } from '../errors';
import { listPage } from './idp-list';
import { LockedTable, lockedRow } from './locked';
import type { IdpChangeListener, IdpEmail, IdpListQuery, IdpPage, IdpUserRecord, IdpUserWrite } from './idp.types';

interface UserRow {
  id: string;
  connectorId: string;
  externalId: string | null;
  userName: string;
  displayName: string | null;
  active: number | boolean;
  resource: unknown;
  version: number;
  createdAt: unknown;
  updatedAt: unknown;
}

function readUser(row: UserRow): IdpUserRecord {
  return {
    id: row.id,
    connectorId: row.connectorId,
    externalId: row.externalId,
    userName: row.userName,
    displayName: row.displayName,
    active: Boolean(Number(row.active)),
    resource: readJson(row.resource),
    version: Number(row.version),
    createdAt: readTime(row.createdAt),
    updatedAt: readTime(row.updatedAt),
  };
}

const USER_LIST = {
  table: 'idp_users',
  defaultOrder: 'r.userNameKey',
  sortColumns: {
    id: 'r.id',
    userName: 'r.userNameKey',
    displayName: 'r.displayName',
    externalId: 'r.externalId',
    createdAt: 'r.createdAt',
    updatedAt: 'r.updatedAt',
  },
  read: readUser,
  resource: (user: IdpUserRecord) => user.resource,
  meta: (user: IdpUserRecord) => user,
};

/**
 * The users of the IdP layer: stored as the IdP wrote them. Writes run in one transaction each,
 * with the directory following them (`directory`); a write that fails changes nothing.
 */
export class IdpUserService {
  private readonly locked: LockedTable<UserRow, IdpUserRecord>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly directory: IdpChangeListener,
  ) {
    this.locked = { table: 'idp_users', dialect: dataSource.options.type, read: readUser, notFound: userNotFound, noun: 'user' };
  }

  async create(ctx: RequestContext, connectorId: string, write: IdpUserWrite): Promise<IdpUserRecord> {
    const now = new Date();
    const record: IdpUserRecord = { id: newOrderedId(), connectorId, ...pick(write), version: 1, createdAt: now, updatedAt: now };
    try {
      await this.transactions.run(async (manager, scope) => {
        // Deferred, as are the IdP layer's other writes here: they travel with the directory's next statement.
        await scope.defer(
          `INSERT INTO idp_users (id, connectorId, externalId, userName, userNameKey, displayName, active, resource, version, createdAt, updatedAt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            record.id,
            connectorId,
            write.externalId,
            write.userName,
            caseKey(write.userName),
            write.displayName,
            sqlBool(write.active),
            JSON.stringify(write.resource),
            1,
            sqlTime(now),
            sqlTime(now),
          ],
        );
        await insertEmails(scope, connectorId, record.id, write.emails);
        await this.directory.follow(ctx, manager, scope, connectorId, { created: [record] });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw userNameTaken(write.userName);
      throw error;
    }
    return record;
  }

  async find(_ctx: RequestContext, connectorId: string, id: string): Promise<IdpUserRecord | null> {
    const rows: UserRow[] = await this.dataSource.query('SELECT * FROM idp_users WHERE id = ? AND connectorId = ?', [id, connectorId]);
    return rows.length ? readUser(rows[0]) : null;
  }

  async get(ctx: RequestContext, connectorId: string, id: string): Promise<IdpUserRecord> {
    const user = await this.find(ctx, connectorId, id);
    if (!user) throw userNotFound(id);
    return user;
  }

  /**
   * Reads the user, lets `change` decide its new state from the current one, and writes that, in
   * one transaction with the row locked. `ifVersion` makes it conditional (If-Match).
   */
  async modify(
    ctx: RequestContext,
    connectorId: string,
    id: string,
    change: (current: IdpUserRecord) => IdpUserWrite,
    ifVersion?: number,
  ): Promise<IdpUserRecord> {
    let userName = '';
    try {
      return await this.transactions.run(async (manager, scope) => {
        const { current, settingsVersion, also } = await lockedRow(scope, this.locked, connectorId, id, ifVersion, [
          ['SELECT typeKey, valueKey, `primary` FROM idp_user_emails WHERE userId = ? ORDER BY position', [id]],
          this.directory.readAhead([id]),
        ]);
        const storedEmails = (also[0] as Array<{ typeKey: string | null; valueKey: string; primary: unknown }>).map((row) => ({
          typeKey: row.typeKey,
          valueKey: row.valueKey,
          primary: Boolean(Number(row.primary)),
        }));
        const write = change(current);
        userName = write.userName;
        const now = new Date();
        const updated: IdpUserRecord = { ...current, ...pick(write), version: current.version + 1, updatedAt: now };
        const set = setChanged([
          ['externalId', write.externalId, write.externalId !== current.externalId],
          ['userName', write.userName, write.userName !== current.userName],
          ['userNameKey', caseKey(write.userName), caseKey(write.userName) !== caseKey(current.userName)],
          ['displayName', write.displayName, write.displayName !== current.displayName],
          ['active', sqlBool(write.active), write.active !== current.active],
          ['resource', JSON.stringify(write.resource), true],
          ['version', updated.version, true],
          ['updatedAt', sqlTime(now), true],
        ]);
        await scope.defer(`UPDATE idp_users SET ${set.sql} WHERE id = ?`, [...set.params, id]);
        // Reading the rows costs less than rewriting them, and most changes leave emails alone.
        if (JSON.stringify(storedEmails) !== JSON.stringify(write.emails)) {
          await scope.defer('DELETE FROM idp_user_emails WHERE userId = ?', [id]);
          await insertEmails(scope, connectorId, id, write.emails);
        }
        await this.directory.follow(ctx, manager, scope, connectorId, { settingsVersion, changed: [{ before: current, after: updated }], ahead: { users: also[1] } });
        return updated;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw userNameTaken(userName);
      throw error;
    }
  }

  /** Deletes the user and takes it out of every group, in one transaction. */
  async remove(ctx: RequestContext, connectorId: string, id: string, ifVersion?: number): Promise<void> {
    await this.transactions.run(async (manager, scope) => {
      // Its groups, to bump by their keys: with a subquery, MariaDB walks (and locks) every group row.
      const { settingsVersion, also } = await lockedRow(scope, this.locked, connectorId, id, ifVersion, [
        ['SELECT groupId FROM idp_group_members WHERE memberId = ?', [id]],
        // Before the row goes: its directory user is found by the link the delete clears.
        this.directory.readAhead([id]),
      ]);
      const groups = also[0] as Array<{ groupId: string }>;
      await this.directory.follow(ctx, manager, scope, connectorId, { settingsVersion, deleted: [id], ahead: { users: also[1] } });
      if (groups.length > 0) {
        await scope.defer(`UPDATE idp_groups SET version = version + 1, updatedAt = ? WHERE id IN (${placeholders(groups.length)})`, [
          sqlTime(new Date()),
          ...groups.map((group) => group.groupId),
        ]);
      }
      await scope.defer('DELETE FROM idp_group_members WHERE memberId = ?', [id]);
      await scope.defer('DELETE FROM idp_users WHERE id = ?', [id]);
    });
  }

  async list(_ctx: RequestContext, connectorId: string, query: IdpListQuery): Promise<IdpPage<IdpUserRecord>> {
    return listPage(this.dataSource.manager, USER_LIST, connectorId, query);
  }
}

async function insertEmails(scope: TransactionScope, connectorId: string, userId: string, emails: IdpEmail[]): Promise<void> {
  if (emails.length === 0) return;
  await scope.defer(
    `INSERT INTO idp_user_emails (userId, position, connectorId, typeKey, valueKey, \`primary\`) VALUES ${emails
      .map(() => '(?, ?, ?, ?, ?, ?)')
      .join(', ')}`,
    emails.flatMap((email, position) => [userId, position, connectorId, email.typeKey, email.valueKey, sqlBool(email.primary)]),
  );
}

function pick(write: IdpUserWrite) {
  return {
    externalId: write.externalId,
    userName: write.userName,
    displayName: write.displayName,
    active: write.active,
    resource: write.resource,
  };
}

function userNotFound(id: string): DomainError {
  return new DomainError('NOT_FOUND', `no user with id "${id}"`);
}

function userNameTaken(userName: string): DomainError {
  return new DomainError('CONFLICT', `userName ${JSON.stringify(userName)} is already taken`);
}
