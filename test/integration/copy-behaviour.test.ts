import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { caseKey, newId } from '../../src/db/columns';
import type { CopyBehaviour } from '../../src/db/entities/connector.entity';
import { LOCAL_DIRECTORY_ID } from '../../src/db/entities/directory.entity';
import { readJson, readTime, sqlTime } from '../../src/db/sql';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { fullSyncsSettled, graphql, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const RUN = `mutation ($id: ID!, $dryRun: Boolean) {
  runSync(connectorId: $id, dryRun: $dryRun, wait: true) { status usersCreated usersUpdated membershipsAdded membershipsRemoved errors }
}`;
const SETTINGS = `mutation ($id: ID!, $copy: CopyBehaviourInput!, $policy: GroupPolicyInput!, $mappings: [AttributeMappingInput!]!) {
  updateConnector(id: $id, input: { copyBehaviour: $copy }) { directoryId }
  updateGroupPolicy(connectorId: $id, input: $policy) { id }
  setAttributeMappings(connectorId: $id, mappings: $mappings) { id }
}`;
/** A display name, a property the mapping sets, and one it clears (no user here has a nickName). */
const MAPPINGS = [
  { target: 'DISPLAY_NAME', source: '{displayName}' },
  { target: 'PROPERTY', property: 'costCenter', source: '{title}' },
  { target: 'PROPERTY', property: 'nickName', source: '{nickName}', onNoMatch: 'CLEAR' },
];

interface Seed {
  lastLoginAt: string;
  properties: Record<string, string>;
  groups: string[];
}

interface DirectoryUser {
  lastLoginAt: string | null;
  properties: Record<string, string>;
  memberships: string[];
}

for (const kind of databaseKinds()) {
  describe(`copy behaviour on ${kind}`, () => {
    let server: TestServer;
    /** The directory of a connector that serves only as a copy source. */
    let otherDirectory: string;

    const query = (sql: string, parameters: unknown[] = []) => server.dataSource.query(sql, parameters);

    /** The id of the group named, made a local group when there is none. */
    const groupId = async (name: string): Promise<string> => {
      const [found] = await query('SELECT id FROM `groups` WHERE nameKey = ?', [caseKey(name)]);
      if (found) return found.id;
      const id = newId();
      const now = sqlTime(new Date());
      await query('INSERT INTO `groups` (id, name, nameKey, origin, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)', [id, name, caseKey(name), 'LOCAL', now, now]);
      return id;
    };
    const addMember = async (userId: string, group: string) =>
      query('INSERT INTO memberships (userId, groupId, managedBy, createdAt) VALUES (?, ?, ?, ?)', [userId, await groupId(group), 'LOCAL', sqlTime(new Date())]);

    /** A user (and its memberships) written straight into a directory, as if it had been there before. */
    const seed = async (directoryId: string, userName: string, user: Seed) => {
      const id = newId();
      const now = sqlTime(new Date());
      await query(
        `INSERT INTO users (id, directoryId, idpUserId, userName, userNameKey, displayName, email, firstName, lastName, active, disabledReason, properties, lastLoginAt, createdAt, updatedAt)
         VALUES (?, ?, NULL, ?, ?, NULL, NULL, NULL, NULL, 1, NULL, ?, ?, ?, ?)`,
        [id, directoryId, userName, caseKey(userName), JSON.stringify(user.properties), user.lastLoginAt, now, now],
      );
      for (const group of user.groups) await addMember(id, group);
      return id;
    };

    /** A connector with copy behaviour, a group policy and the mappings above. */
    const connectorWith = async (name: string, copy: Partial<CopyBehaviour>, neverRemove: string[] = []) => {
      const connector = await createConnector(server.url, name);
      const copyBehaviour = { enabled: true, sourceDirectoryIds: [LOCAL_DIRECTORY_ID], memberships: true, lastLogin: true, properties: true, ...copy };
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, SETTINGS, { id: connector.id, copy: copyBehaviour, policy: { neverRemove }, mappings: MAPPINGS });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      await fullSyncsSettled(server, connector.id);
      return { ...connector, directoryId: answer.data.updateConnector.directoryId as string };
    };

    /** The IdP creates a user, and puts it in `groups`; answers the user's SCIM id. */
    const provision = async (connector: { baseUrl: string; token: string }, userName: string, groups: string[] = []): Promise<string> => {
      const user = await scim(connector.baseUrl, connector.token, 'POST', '/Users', { userName, displayName: userName, title: 'Engineering' });
      assert.equal(user.status, 201, user.text);
      for (const group of groups) {
        const created = await scim(connector.baseUrl, connector.token, 'POST', '/Groups', { displayName: group, members: [{ value: user.json.id }] });
        assert.equal(created.status, 201, created.text);
      }
      return user.json.id;
    };

    const run = async (connectorId: string, dryRun = false) => {
      const answer = await graphql(server.url, TEST_ADMIN_TOKEN, RUN, { id: connectorId, dryRun });
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      assert.equal(answer.data.runSync.status, 'SUCCEEDED');
      return answer.data.runSync;
    };

    /** A directory user as the application sees it; memberships as "group:managedBy". */
    const directoryUser = async (directoryId: string, userName: string): Promise<DirectoryUser | undefined> => {
      const [user] = await query('SELECT id, lastLoginAt, properties FROM users WHERE directoryId = ? AND userNameKey = ?', [directoryId, caseKey(userName)]);
      if (!user) return undefined;
      const memberships: Array<{ name: string; managedBy: string }> = await query(
        'SELECT g.name, m.managedBy FROM memberships m JOIN `groups` g ON g.id = m.groupId WHERE m.userId = ? ORDER BY g.name',
        [user.id],
      );
      return {
        lastLoginAt: user.lastLoginAt === null ? null : readTime(user.lastLoginAt).toISOString(),
        properties: readJson(user.properties),
        memberships: memberships.map((membership) => `${membership.name}:${membership.managedBy}`),
      };
    };

    before(async () => {
      server = await startTestServer(kind);
      const source = await connectorWith('copy source', { enabled: false });
      otherDirectory = source.directoryId;
    });
    after(() => server.close());

    it('when a connector creates a user that the local directory holds in other letter case, then it copies memberships, last login and properties', async () => {
      await seed(LOCAL_DIRECTORY_ID, 'Adele.Vance@contoso.example', {
        lastLoginAt: '2026-03-01 08:30:00.250',
        properties: { locale: 'de', costCenter: 'CC-1', nickName: 'Addy' },
        groups: ['wiki-editors', 'jira-users'],
      });
      const connector = await connectorWith('copy all', {}, ['wiki-.*']);
      await provision(connector, 'ADELE.VANCE@CONTOSO.EXAMPLE', ['jira-users']);

      // The SCIM create made the user and copied; the IdP's group then took jira-users over.
      assert.deepEqual(await directoryUser(connector.directoryId, 'adele.vance@contoso.example'), {
        lastLoginAt: '2026-03-01T08:30:00.250Z',
        // The mappings decide costCenter and nickName; the copy gives the rest.
        properties: { locale: 'de', costCenter: 'Engineering' },
        // A group the IdP gives is the IdP's; the rest is copied.
        memberships: ['jira-users:IDP', 'wiki-editors:COPIED'],
      });
      const again = await run(connector.id);
      assert.deepEqual([again.usersCreated, again.usersUpdated, again.membershipsAdded, again.membershipsRemoved], [0, 0, 0, 0]);
    });

    it('when the user syncs again after its source changed, then nothing is copied again', async () => {
      const connector = await connectorWith('copy once', {}, ['wiki-.*', 'old-.*']);
      const sourceId = await seed(LOCAL_DIRECTORY_ID, 'once@contoso.example', {
        lastLoginAt: '2026-01-02 03:04:05.000',
        properties: { locale: 'fr', nickName: 'Once' },
        groups: ['wiki-readers'],
      });
      await provision(connector, 'once@contoso.example');
      await run(connector.id);
      const copied = await directoryUser(connector.directoryId, 'once@contoso.example');
      assert.deepEqual(copied?.memberships, ['wiki-readers:COPIED']);

      await query('UPDATE users SET lastLoginAt = ?, properties = ? WHERE id = ?', [sqlTime(new Date()), JSON.stringify({ locale: 'it' }), sourceId]);
      await addMember(sourceId, 'old-team');

      const second = await run(connector.id);
      assert.deepEqual([second.usersCreated, second.usersUpdated, second.membershipsAdded, second.membershipsRemoved], [0, 0, 0, 0]);
      assert.deepEqual(await directoryUser(connector.directoryId, 'once@contoso.example'), copied);
    });

    it('when a copied membership’s group matches no never-remove pattern, then the user’s next reconciliation removes it, as any the IdP does not report', async () => {
      const connector = await connectorWith('copy then remove', {});
      await seed(LOCAL_DIRECTORY_ID, 'transient@contoso.example', { lastLoginAt: '2026-01-02 03:04:05.000', properties: {}, groups: ['legacy'] });
      const userId = await provision(connector, 'transient@contoso.example');
      assert.deepEqual((await directoryUser(connector.directoryId, 'transient@contoso.example'))?.memberships, ['legacy:COPIED']);
      const group = await scim(connector.baseUrl, connector.token, 'POST', '/Groups', { displayName: 'sales', members: [{ value: userId }] });
      assert.equal(group.status, 201, group.text);
      assert.deepEqual((await directoryUser(connector.directoryId, 'transient@contoso.example'))?.memberships, ['sales:IDP']);
    });

    it('when copy behaviour is off, then nothing is copied', async () => {
      await seed(LOCAL_DIRECTORY_ID, 'uncopied@contoso.example', { lastLoginAt: '2026-01-02 03:04:05.000', properties: { locale: 'de' }, groups: ['wiki-editors'] });
      const connector = await connectorWith('copy off', { enabled: false }, ['.*']);
      await provision(connector, 'Uncopied@contoso.example');
      const result = await run(connector.id);
      assert.equal(result.membershipsAdded, 0);
      assert.deepEqual(await directoryUser(connector.directoryId, 'uncopied@contoso.example'), {
        lastLoginAt: null,
        properties: { costCenter: 'Engineering' },
        memberships: [],
      });
    });

    it('when only some things are to be copied, then only those are', async () => {
      await seed(LOCAL_DIRECTORY_ID, 'partly@contoso.example', { lastLoginAt: '2026-01-02 03:04:05.000', properties: { locale: 'de' }, groups: ['wiki-editors'] });
      const connector = await connectorWith('copy login only', { memberships: false, properties: false }, ['.*']);
      await provision(connector, 'partly@contoso.example');
      await run(connector.id);
      assert.deepEqual(await directoryUser(connector.directoryId, 'partly@contoso.example'), {
        lastLoginAt: '2026-01-02T03:04:05.000Z',
        properties: { costCenter: 'Engineering' },
        memberships: [],
      });
    });

    it('when several sources hold the user, then the first in the configured order is copied from; one that lacks it is passed over', async () => {
      await seed(LOCAL_DIRECTORY_ID, 'megan@contoso.example', { lastLoginAt: '2026-02-01 00:00:00.000', properties: { from: 'local' }, groups: ['local-team'] });
      await seed(otherDirectory, 'Megan@Contoso.example', { lastLoginAt: '2026-02-02 00:00:00.000', properties: { from: 'other' }, groups: ['other-team'] });
      await seed(LOCAL_DIRECTORY_ID, 'nestor@contoso.example', { lastLoginAt: '2026-02-03 00:00:00.000', properties: { from: 'local' }, groups: ['local-team'] });
      const otherFirst = await connectorWith('other first', { sourceDirectoryIds: [otherDirectory, LOCAL_DIRECTORY_ID] }, ['.*']);
      const localFirst = await connectorWith('local first', { sourceDirectoryIds: [LOCAL_DIRECTORY_ID, otherDirectory] }, ['.*']);
      for (const connector of [otherFirst, localFirst]) {
        await provision(connector, 'megan@contoso.example');
        await provision(connector, 'nestor@contoso.example');
        await run(connector.id);
      }
      const copiedFrom = async (directoryId: string, userName: string) => {
        const user = await directoryUser(directoryId, userName);
        return [user?.lastLoginAt, user?.properties.from, user?.memberships];
      };
      assert.deepEqual(await copiedFrom(otherFirst.directoryId, 'megan@contoso.example'), ['2026-02-02T00:00:00.000Z', 'other', ['other-team:COPIED']]);
      assert.deepEqual(await copiedFrom(localFirst.directoryId, 'megan@contoso.example'), ['2026-02-01T00:00:00.000Z', 'local', ['local-team:COPIED']]);
      assert.deepEqual(await copiedFrom(otherFirst.directoryId, 'nestor@contoso.example'), ['2026-02-03T00:00:00.000Z', 'local', ['local-team:COPIED']]);
    });

    it('when a connector’s users are copied from another connector’s directory filled by its own sync, then they carry its memberships', async () => {
      const upstream = await connectorWith('upstream', { enabled: false });
      await provision(upstream, 'isaiah@contoso.example', ['upstream-team']);
      await run(upstream.id);
      const downstream = await connectorWith('downstream', { sourceDirectoryIds: [upstream.directoryId] }, ['upstream-.*']);
      await provision(downstream, 'Isaiah@contoso.example');
      await run(downstream.id);
      assert.deepEqual((await directoryUser(downstream.directoryId, 'isaiah@contoso.example'))?.memberships, ['upstream-team:COPIED']);
    });

    it('when a preview runs with copy behaviour on, then it writes nothing', async () => {
      await seed(LOCAL_DIRECTORY_ID, 'previewed@contoso.example', { lastLoginAt: '2026-01-02 03:04:05.000', properties: { locale: 'de' }, groups: ['wiki-editors'] });
      const connector = await connectorWith('copy preview', {}, ['.*']);
      await provision(connector, 'previewed@contoso.example');
      // The SCIM create copied already: take its result away, so that the preview has a user to create.
      await query('DELETE FROM users WHERE directoryId = ?', [connector.directoryId]);
      const preview = await run(connector.id, true);
      assert.deepEqual([preview.usersCreated, preview.membershipsAdded], [1, 0]);
      assert.equal(await directoryUser(connector.directoryId, 'previewed@contoso.example'), undefined);
      const [{ count }] = await query('SELECT COUNT(*) AS count FROM memberships m JOIN users u ON u.id = m.userId WHERE u.directoryId = ?', [connector.directoryId]);
      assert.equal(Number(count), 0);
    });
  });
}
