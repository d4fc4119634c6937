import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { caseKey, newId } from '../../src/db/columns';
import { LOCAL_DIRECTORY_ID } from '../../src/db/entities/directory.entity';
import {
  ConnectorEntity,
  DirectoryEntity,
  GroupEntity,
  IdpGroupEntity,
  IdpUserEntity,
  MembershipEntity,
  UserEntity,
} from '../../src/db/entities';
import { DEFAULT_COPY_BEHAVIOUR } from '../../src/db/entities/connector.entity';
import { isUniqueViolation } from '../../src/db/errors';
import { localUser } from '../support/directory';
import { databaseKinds } from '../support/databases';
import { openTestDatabase, TestDatabase } from '../support/server';

/** Runs `insert` `count` times at once and answers how many succeeded; the others must be unique violations. */
async function concurrently(count: number, insert: (index: number) => Promise<unknown>): Promise<number> {
  const results = await Promise.allSettled(Array.from({ length: count }, (_, index) => insert(index)));
  for (const result of results) {
    if (result.status === 'rejected') assert.ok(isUniqueViolation(result.reason), `unexpected error: ${result.reason}`);
  }
  return results.filter((result) => result.status === 'fulfilled').length;
}

/** userName in twenty different letter cases. */
const CASES = Array.from({ length: 20 }, (_, index) =>
  [...'adele.vance@contoso.example'].map((char, position) => ((index >> position % 5) & 1 ? char.toUpperCase() : char)).join(''),
);

for (const kind of databaseKinds()) {
  describe(`database schema on ${kind}`, () => {
    let db: TestDatabase;
    let connector: ConnectorEntity;

    before(async () => {
      db = await openTestDatabase(kind);
      const now = new Date();
      const directory: DirectoryEntity = { id: newId(), kind: 'CONNECTOR', name: 'Entra', createdAt: now };
      await db.dataSource.getRepository(DirectoryEntity).insert(directory);
      connector = {
        id: newId(),
        name: 'Entra',
        directoryId: directory.id,
        enabled: true,
        cleanupAction: 'DISABLE',
        copyBehaviour: DEFAULT_COPY_BEHAVIOUR,
        logFreeMemory: false,
        settingsVersion: 0,
        syncedSettingsVersion: 0,
        syncLeaseOwner: null,
        syncLeaseUntil: null,
        createdAt: now,
        updatedAt: now,
      };
      await db.dataSource.getRepository(ConnectorEntity).insert(connector);
    });
    after(() => db.close());

    it('when the migrations have run, then the entities need no further schema change', async () => {
      const pending = await db.dataSource.driver.createSchemaBuilder().log();
      assert.deepEqual(
        pending.upQueries.map((query) => query.query),
        [],
        'the entities and the migrations disagree: run `npm run migration:generate -- <Name>`',
      );
    });

    it('when the migrations have run, then every entity SQLite should store without a rowid is stored so', async (t) => {
      if (kind !== 'sqlite') return t.skip('InnoDB tables are clustered on their primary key');
      const expected = db.dataSource.entityMetadatas.filter((entity) => entity.withoutRowid).map((entity) => entity.tableName);
      assert.deepEqual(expected.sort(), ['idp_group_members', 'idp_user_emails', 'memberships']);
      for (const table of expected) {
        const [row] = await db.dataSource.query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]);
        assert.match(row.sql, /WITHOUT ROWID$/, table);
      }
    });

    it('when the migrations have run, then the local directory exists', async () => {
      const local = await db.dataSource.getRepository(DirectoryEntity).findOneBy({ id: LOCAL_DIRECTORY_ID });
      assert.equal(local?.kind, 'LOCAL');
    });

    it('when twenty IdP users with one userName in different case are inserted at once, then exactly one row is left', async () => {
      assert.equal(new Set(CASES).size, 20);
      const inserted = await concurrently(20, (index) => {
        return db.dataSource.getRepository(IdpUserEntity).insert(idpUser(connector.id, CASES[index], new Date()));
      });
      assert.equal(inserted, 1);
      assert.equal(await db.dataSource.getRepository(IdpUserEntity).countBy({ connectorId: connector.id }), 1);
    });

    it('when twenty directory users with one userName in different case are inserted at once, then exactly one row is left', async () => {
      const inserted = await concurrently(20, (index) => {
        const now = new Date();
        return db.dataSource.getRepository(UserEntity).insert(localUser(CASES[index], now));
      });
      assert.equal(inserted, 1);
      assert.equal(await db.dataSource.getRepository(UserEntity).countBy({ directoryId: LOCAL_DIRECTORY_ID }), 1);
    });

    it('when one userName is used in two directories, then both rows exist', async () => {
      const now = new Date();
      await db.dataSource.getRepository(UserEntity).insert({ ...localUser('shared@contoso.example', now) });
      await db.dataSource
        .getRepository(UserEntity)
        .insert({ ...localUser('Shared@contoso.example', now), directoryId: connector.directoryId });
      assert.equal(await db.dataSource.getRepository(UserEntity).countBy({ userNameKey: 'shared@contoso.example' }), 2);
    });

    it('when names differ only by an accent, then they do not collide', async () => {
      const now = new Date();
      await db.dataSource.getRepository(UserEntity).insert(localUser('jose@contoso.example', now));
      await db.dataSource.getRepository(UserEntity).insert(localUser('josé@contoso.example', now));
      const rows = await db.dataSource.getRepository(UserEntity).findBy({ userNameKey: 'josé@contoso.example' });
      assert.deepEqual(rows.map((row) => row.userName), ['josé@contoso.example']);
    });

    it('when IdP groups of one connector take one displayName in different case at once, then one is left', async () => {
      const names = ['Sales', 'sales', 'SALES', 'sAlEs', 'saleS'];
      const inserted = await concurrently(names.length, (index) => {
        const now = new Date();
        return db.dataSource.getRepository(IdpGroupEntity).insert({
          id: newId(),
          connectorId: connector.id,
          externalId: null,
          displayName: names[index],
          displayNameKey: caseKey(names[index]),
          resource: {},
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
      });
      assert.equal(inserted, 1);
    });

    it('when groups take one name in different case at once, then one is left', async () => {
      const names = ['jira-users', 'Jira-Users', 'JIRA-USERS', 'jira-USERS'];
      const inserted = await concurrently(names.length, (index) => {
        const now = new Date();
        return db.dataSource.getRepository(GroupEntity).insert({
          id: newId(),
          name: names[index],
          nameKey: caseKey(names[index]),
          origin: 'LOCAL',
          createdAt: now,
          updatedAt: now,
        });
      });
      assert.equal(inserted, 1);
    });

    it('when one membership is inserted twice at once, then one row is left', async () => {
      const now = new Date();
      const user = localUser('member@contoso.example', now);
      await db.dataSource.getRepository(UserEntity).insert(user);
      const group = { id: newId(), name: 'members', nameKey: 'members', origin: 'LOCAL' as const, createdAt: now, updatedAt: now };
      await db.dataSource.getRepository(GroupEntity).insert(group);
      const inserted = await concurrently(10, () =>
        db.dataSource
          .getRepository(MembershipEntity)
          .insert({ userId: user.id, groupId: group.id, managedBy: 'LOCAL', createdAt: new Date() }),
      );
      assert.equal(inserted, 1);
      assert.equal(await db.dataSource.getRepository(MembershipEntity).countBy({ groupId: group.id }), 1);
    });

    async function insertIdpUser(row: IdpUserEntity): Promise<IdpUserEntity> {
      await db.dataSource.getRepository(IdpUserEntity).insert(row);
      return row;
    }

    it('when JSON and times are written, then they read back the same', async () => {
      const at = new Date('2026-01-02T03:04:05.678Z');
      const resource = { userName: 'json@contoso.example', 'urn:x': { nested: [1, 'two', null, true] } };
      const { id } = await insertIdpUser({ ...idpUser(connector.id, 'json@contoso.example', at), active: false, resource });
      const row = await db.dataSource.getRepository(IdpUserEntity).findOneByOrFail({ id });
      assert.deepEqual(row.resource, resource);
      assert.equal(row.createdAt.toISOString(), at.toISOString());
      assert.equal(row.active, false);
    });
  });
}

function idpUser(connectorId: string, userName: string, now: Date): IdpUserEntity {
  return {
    id: newId(),
    connectorId,
    externalId: null,
    userName,
    userNameKey: caseKey(userName),
    displayName: null,
    active: true,
    resource: { userName },
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
