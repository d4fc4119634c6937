import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { newId } from '../../src/db/columns';
import { ConnectorEntity, SyncRunEntity } from '../../src/db/entities';
import { zeroCounts } from '../../src/domain/sync/directory-sync.service';
import { databaseKinds } from '../support/databases';
import { scim } from '../support/scim-client';
import { issueReaderToken, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

/** Debian's chromium; .ci/run installs it when it is missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1, and there is no Chromium at ${CHROMIUM}`);
/** UPDATE_SCREENSHOTS=1 writes the README's screenshots; otherwise they go to a scratch folder. */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../../docs/screenshots') : fs.mkdtempSync(path.join(os.tmpdir(), 'scimdir-shots-'));
fs.mkdirSync(SCREENSHOTS, { recursive: true });

for (const kind of databaseKinds()) {
  describe(`the dashboard in headless Chromium, on ${kind}`, { skip: available ? false : `no Chromium at ${CHROMIUM}` }, () => {
    let server: TestServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let readerToken: string;
    /** The connector the admin creates, and a SCIM token of it. */
    const created = { id: '', url: '', token: '' };

    before(async () => {
      server = await startTestServer(kind);
      readerToken = await issueReaderToken(server);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      page = await context.newPage();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    async function signIn(token: string) {
      await page.goto(server.url);
      const field = page.getByLabel('Admin or reader token');
      await field.fill(token);
      // By keyboard: Enter in the field submits the form.
      await field.press('Enter');
    }

    it('when a token is wrong, then the sign-in page says why; with the admin token, the dashboard opens', async () => {
      await signIn('not-a-token');
      await page.getByRole('alert').filter({ hasText: 'UNAUTHENTICATED' }).waitFor();
      await signIn(TEST_ADMIN_TOKEN);
      await page.getByText('ADMIN_TOKEN · admin').waitFor();
      await page.getByRole('heading', { name: 'Connectors' }).waitFor();
      await page.getByText('No connector yet.').waitFor();
    });

    it('when an admin creates a connector, then its tenant URL and token are shown once with copy buttons, and they work for SCIM', async () => {
      await page.getByLabel('Name').fill('Contoso Entra');
      await page.getByRole('button', { name: 'Create connector' }).click();
      const credentials = page.getByRole('region', { name: 'Credentials of Contoso Entra' });
      await credentials.waitFor();
      const url = (await credentials.locator('code').nth(0).textContent())!;
      const token = (await credentials.locator('code').nth(1).textContent())!;
      assert.match(url, new RegExp(`^${server.url}/scim/v2/[0-9a-f-]{36}$`));
      await page.getByRole('button', { name: 'Copy tenant URL' }).click();
      await credentials.getByRole('status').filter({ hasText: 'Copied' }).first().waitFor();
      // Evaluated in the page: this file is compiled without the DOM's types.
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), url);
      assert.equal((await scim(url, token, 'GET', '/Users')).status, 200);
      Object.assign(created, { id: url.split('/').pop()!, url, token });
      const row = page.getByRole('row', { name: /Contoso Entra/ });
      await row.waitFor();
      assert.match((await row.textContent())!, /Contoso Entra\s*On\s*never\s*0\s*0\s*0\s*0/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'connectors.png'), fullPage: true });
    });

    it('when the admin opens the connector and turns provisioning off, then SCIM answers 403 until it is back on', async () => {
      await page.getByRole('link', { name: 'Contoso Entra', exact: true }).click();
      await page.getByRole('heading', { name: 'Contoso Entra' }).waitFor();
      const { url, token } = created;
      await page.getByRole('checkbox', { name: /Provisioning on/ }).uncheck();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      assert.equal((await scim(url, token, 'GET', '/Users')).status, 403);
      await page.getByText('Provisioning is off').waitFor();
      await page.getByRole('checkbox', { name: /Provisioning on/ }).check();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Provisioning is on').waitFor();
      assert.equal((await scim(url, token, 'GET', '/Users')).status, 200);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'connector.png'), fullPage: true });
    });

    it('when the admin rotates the token, then the new one is shown once and both work during the grace period', async () => {
      const url = (await page.locator('.copyable code').first().textContent())!;
      await page.getByLabel('Older tokens keep working for (seconds)').fill('600');
      await page.getByRole('button', { name: 'Rotate token' }).click();
      const issued = page.getByRole('region', { name: 'New token' });
      await issued.waitFor();
      const token = (await issued.locator('code').textContent())!;
      assert.equal((await scim(url, token, 'GET', '/Users')).status, 200);
      // The table reloads once the rotation is saved: the older token works on through its grace period.
      await page.getByRole('row').filter({ hasText: 'works' }).nth(1).waitFor();
      assert.equal(await page.getByRole('row').filter({ hasText: 'works' }).count(), 2);
    });

    it('when the admin edits a pattern, then it is checked as typed, previewed, saved, and the sync it starts is shown', async () => {
      const ids: string[] = [];
      for (const userName of ['alice@contoso.test', 'bob@contoso.test', 'carol@contoso.test']) {
        const reply = await scim(created.url, created.token, 'POST', '/Users', { userName, active: true, name: { givenName: userName.split('@')[0] } });
        assert.equal(reply.status, 201, reply.text);
        ids.push(reply.json.id);
      }
      await scim(created.url, created.token, 'POST', '/Groups', { displayName: 'jira-users', members: ids.slice(0, 2).map((value) => ({ value })) });
      await scim(created.url, created.token, 'POST', '/Groups', { displayName: 'wiki-users', members: [{ value: ids[0] }] });

      await page.goto(`${server.url}/#/connectors/${created.id}`);
      await page.getByRole('link', { name: 'Group policy' }).click();
      const only = page.getByLabel('Only assign');
      await only.fill('(jira');
      await page.getByText('missing closing )').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Preview changes' }).isDisabled(), true);
      await only.fill('jira-.*');
      await page.getByText('missing closing )').waitFor({ state: 'detached' });
      assert.equal(await page.getByRole('button', { name: 'Save policy' }).isDisabled(), true, 'no save before a preview');
      await page.getByRole('button', { name: 'Preview changes' }).click();
      const preview = page.getByRole('region', { name: 'Preview' });
      await preview.getByText('alice@contoso.test ✕ wiki-users').waitFor();
      assert.match((await preview.getByRole('row', { name: /Memberships removed/ }).textContent())!, /Memberships removed\s*1/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'policy.png'), fullPage: true });
      await page.getByRole('button', { name: 'Save policy' }).click();
      await page.getByRole('status').filter({ hasText: 'A full sync has started' }).waitFor();
      await page.getByRole('link', { name: 'the sync runs' }).click();
      await page.getByRole('heading', { name: 'Sync runs' }).waitFor();
      const full = page.getByRole('link', { name: /succeeded full/ }).first();
      await full.waitFor({ timeout: 15_000 }).catch(async () => {
        // The run may still have been running when the page loaded: a reload shows its end.
        await page.reload();
        await full.waitFor();
      });
      await page.getByRole('img', { name: /Changes per run/ }).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'runs.png'), fullPage: true });
      await full.click();
      await page.getByRole('heading', { name: 'Full sync: succeeded' }).waitFor();
      assert.match((await page.getByRole('row', { name: /Memberships removed/ }).textContent())!, /Memberships removed\s*1/);
      await page.getByText(/memberships added 0, removed 1/).waitFor();
      const [policy] = await server.dataSource.query("SELECT pattern FROM policy_rules WHERE connectorId = ? AND kind = 'ONLY_ASSIGN'", [created.id]);
      assert.equal(policy.pattern, 'jira-.*');
    });

    it('when the admin browses to a user, then the directory’s view shows beside what the IdP sent, with each membership’s keeper', async () => {
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByLabel('userName starts with').fill('ali');
      await page.getByRole('link', { name: 'alice@contoso.test' }).click();
      await page.getByRole('heading', { name: 'alice@contoso.test' }).waitFor();
      const idp = page.getByRole('region', { name: 'What the identity provider sent' });
      assert.match((await idp.textContent())!, /"givenName": "alice"/);
      const directory = page.getByRole('region', { name: 'In the directory' });
      assert.match((await directory.textContent())!, /jira-users kept by the identity provider/);
      assert.doesNotMatch((await directory.textContent())!, /wiki-users/, 'only assign took it away');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'user.png'), fullPage: true });
      await page.getByRole('link', { name: 'jira-users' }).click();
      await page.getByRole('heading', { name: 'jira-users' }).waitFor();
      await page.getByText('Page 1: 2 of 2 members').waitFor();
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('row', { name: /connector\.updateGroupPolicy/ }).first().waitFor();
    });

    it('when the admin edits the mappings, then the try-it box shows what they make of a user before they are saved', async () => {
      await page.goto(`${server.url}/#/connectors/${created.id}`);
      await page.getByRole('link', { name: 'Attribute mappings' }).click();
      await page.getByRole('heading', { name: 'Attribute mappings' }).waitFor();
      await page.getByRole('button', { name: 'Add a mapping' }).click();
      await page.getByLabel('Source').fill('{name.givenName}');
      await page.getByRole('button', { name: 'Add a transformation' }).click();
      await page.getByLabel('Transformation 1', { exact: true }).selectOption('regexReplace');
      const args = page.getByLabel('Arguments of transformation 1 (JSON)');
      await args.fill('{"pattern": ');
      await page.getByRole('alert').filter({ hasText: 'the arguments of regexReplace are not JSON' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Save mappings' }).isDisabled(), true);
      await page.getByLabel('Transformation 1', { exact: true }).selectOption('uppercase');
      await page.getByLabel('A user of this connector (userName or its start)').fill('ali');
      await page.getByRole('button', { name: 'Apply the mappings' }).click();
      const trial = page.getByRole('region', { name: 'The mappings applied to alice@contoso.test' });
      await trial.waitFor();
      assert.match((await trial.getByRole('row', { name: /Display name/ }).textContent())!, /Display name\s*ALICE/);
      assert.match((await trial.getByRole('row', { name: /userName/ }).textContent())!, /kept as the directory has it/);
      const [{ n: before }] = await server.dataSource.query('SELECT COUNT(*) AS n FROM attribute_mappings WHERE connectorId = ?', [created.id]);
      assert.equal(Number(before), 0, 'trying saves nothing');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'mappings.png'), fullPage: true });
      await page.getByRole('button', { name: 'Save mappings' }).click();
      await page.getByRole('status').filter({ hasText: 'every user is mapped anew' }).waitFor();
      const saved = await server.dataSource.query('SELECT target, source FROM attribute_mappings WHERE connectorId = ?', [created.id]);
      assert.deepEqual(saved.map((row: { target: string; source: string }) => [row.target, row.source]), [['DISPLAY_NAME', '{name.givenName}']]);
    });

    it('when a full sync is running, then the sync runs page shows its progress until it ends', async () => {
      // A run as a node records it mid-way (holding the connector's lease), moved on by hand below.
      const now = new Date();
      const run: SyncRunEntity = {
        id: newId(),
        connectorId: created.id,
        kind: 'FULL',
        status: 'RUNNING',
        startedAt: now,
        finishedAt: null,
        lastActivityAt: now,
        ...zeroCounts(),
        usersProcessed: 1,
        usersTotal: 3,
        memory: null,
        diff: null,
      };
      await server.dataSource.getRepository(SyncRunEntity).insert(run);
      await server.dataSource.getRepository(ConnectorEntity).update({ id: created.id }, { syncLeaseOwner: run.id, syncLeaseUntil: new Date(Date.now() + 60_000) });
      await page.goto(`${server.url}/#/connectors/${created.id}/runs`);
      const running = page.getByRole('region', { name: 'Running now' });
      await running.getByRole('status').filter({ hasText: '1 of 3 users' }).waitFor();
      assert.equal(await running.getByRole('progressbar').getAttribute('value'), '1');
      await server.dataSource.getRepository(SyncRunEntity).update({ id: run.id }, { usersProcessed: 2 });
      await running.getByRole('status').filter({ hasText: '2 of 3 users' }).waitFor();
      await server.dataSource.getRepository(SyncRunEntity).update({ id: run.id }, { usersProcessed: 3, status: 'SUCCEEDED', finishedAt: new Date() });
      await server.dataSource.getRepository(ConnectorEntity).update({ id: created.id }, { syncLeaseOwner: null, syncLeaseUntil: null });
      await running.getByText('It ended: succeeded').waitFor();
    });

    it('when a reader signs in, then everything reads and nothing offers an edit', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(readerToken);
      await page.getByText('dashboard · reader (read only)').waitFor();
      await page.getByRole('row', { name: /Contoso Entra/ }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Create connector' }).count(), 0);
      await page.getByRole('link', { name: 'Contoso Entra', exact: true }).click();
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Save settings' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Rotate token' }).count(), 0);
      assert.equal(await page.getByRole('checkbox', { name: /Provisioning on/ }).isDisabled(), true);
      await page.getByRole('link', { name: 'Group policy' }).click();
      await page.getByLabel('Only assign').waitFor();
      assert.equal(await page.getByLabel('Only assign').getAttribute('readonly'), '');
      assert.equal(await page.getByRole('button', { name: /Preview changes|Save policy/ }).count(), 0);
      await page.goto(`${server.url}/#/connectors/${created.id}/mappings`);
      await page.getByLabel('Source').waitFor();
      assert.equal(await page.getByLabel('Source').isDisabled(), true);
      assert.equal(await page.getByRole('button', { name: /Save mappings|Add a mapping/ }).count(), 0);
      // Trying mappings reads only: a reader may.
      await page.getByLabel('A user of this connector (userName or its start)').fill('bob');
      await page.getByRole('button', { name: 'Apply the mappings' }).click();
      await page.getByRole('region', { name: 'The mappings applied to bob@contoso.test' }).waitFor();
    });

    it('when the window is 390 px wide, then every page fits it', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      const [user] = await server.dataSource.query("SELECT id FROM users WHERE userName = 'alice@contoso.test'");
      const [group] = await server.dataSource.query("SELECT id FROM `groups` WHERE name = 'jira-users'");
      const [run] = await server.dataSource.query("SELECT id FROM sync_runs WHERE connectorId = ? AND kind = 'FULL'", [created.id]);
      const pages = ['#/', `#/connectors/${created.id}`, `#/connectors/${created.id}/policy`, `#/connectors/${created.id}/mappings`, `#/connectors/${created.id}/runs`, `#/runs/${run.id}`];
      pages.push('#/users', `#/users/${user.id}`, '#/groups', `#/groups/${group.id}`, '#/audit');
      for (const hash of pages) {
        await page.goto(`${server.url}/${hash}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.getByText(/^Loading/).waitFor({ state: 'detached' });
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        assert.ok(overflow <= 0, `${hash} is ${overflow} px too wide`);
      }
      await page.goto(`${server.url}/#/connectors/${created.id}`);
      await page.getByRole('heading', { name: 'Contoso Entra' }).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'connector-390.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('when only the keyboard is used, then the skip link and the main navigation reach the pages', async () => {
      // A fresh document: focus starts at its top, not where the last page left it.
      await page.goto('about:blank');
      await page.goto(`${server.url}/#/`);
      await page.getByRole('heading', { name: 'Connectors' }).waitFor();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate<string>('document.activeElement.textContent'), 'Skip to the page');
      for (let step = 0; step < 10 && (await page.evaluate<string>('document.activeElement.textContent')) !== 'Groups'; step += 1) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Groups' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Groups' }).getAttribute('aria-current'), 'page');
    });

    it('when the token is revoked during the session, then the next request goes back to the sign-in page, saying why', async () => {
      const { token, adminToken } = await server.services.adminTokens.create({ requestId: 't', actor: { kind: 'admin', tokenId: null, name: 't', role: 'ADMIN' } }, 'short-lived', 'ADMIN');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(token);
      await page.getByText('short-lived · admin').waitFor();
      // The page has loaded what it shows: the next request is the one after the revoke.
      await page.getByRole('row', { name: /Contoso Entra/ }).waitFor();
      await server.services.adminTokens.revoke({ requestId: 't', actor: { kind: 'admin', tokenId: null, name: 't', role: 'ADMIN' } }, adminToken.id);
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'The token is no longer accepted: sign in again.' }).waitFor();
      await page.getByLabel('Admin or reader token').waitFor();
    });
  });
}
