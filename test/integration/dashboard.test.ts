import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
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
      const row = page.getByRole('row', { name: /Contoso Entra/ });
      await row.waitFor();
      assert.match((await row.textContent())!, /Contoso Entra\s*On\s*never\s*0\s*0\s*0\s*0/);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'connectors.png'), fullPage: true });
    });

    it('when the admin opens the connector and turns provisioning off, then SCIM answers 403 until it is back on', async () => {
      await page.getByRole('link', { name: 'Contoso Entra', exact: true }).click();
      await page.getByRole('heading', { name: 'Contoso Entra' }).waitFor();
      const url = (await page.locator('.copyable code').first().textContent())!;
      const { token } = (await server.services.connectors.rotateToken({ requestId: 't', actor: { kind: 'admin', tokenId: null, name: 't', role: 'ADMIN' } }, url.split('/').pop()!, 0));
      await page.reload();
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
    });

    it('when the window is 390 px wide, then the pages fit it', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      for (const hash of ['#/', `#/connectors/${(await server.services.connectors.list({ requestId: 't', actor: { kind: 'admin', tokenId: null, name: 't', role: 'ADMIN' } }))[0].id}`]) {
        await page.goto(`${server.url}/${hash}`);
        await page.getByRole('heading').first().waitFor();
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        assert.ok(overflow <= 0, `${hash} is ${overflow} px too wide`);
      }
      await page.screenshot({ path: path.join(SCREENSHOTS, 'connector-390.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
    });
  });
}
