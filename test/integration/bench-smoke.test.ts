import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { adminGraphql, Cleanups, ProjectServer, startProjectServer, TargetContext } from '../../scripts/bench/targets';
import { createConnector, scim } from '../support/scim-client';
import { startTestServer, TestServer } from '../support/server';

const SCIM_LOAD = path.resolve(__dirname, '../../scripts/bench/scim-load.js');

/** The load benchmark against this server, at a size that runs in seconds: every phase must pass. */
describe('the SCIM load benchmark', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  it('when it provisions a small tenant, then every phase runs without an error', async () => {
    const connector = await createConnector(server.url, 'bench');
    const { stdout } = await promisify(execFile)(process.execPath, [
      SCIM_LOAD,
      '--json',
      ...['--base-url', connector.baseUrl, '--token', connector.token],
      ...['--users', '60', '--groups', '4', '--member-batch', '10', '--big-group', '30', '--flat-adds', '5', '--concurrency', '4'],
    ]);
    const report = JSON.parse(stdout) as { phases: Array<{ name: string; requests: number; errors: number; errorSamples: string[] }> };
    const names = report.phases.map((phase) => phase.name);
    for (const phase of ['creates', 'groups', 'member-adds', 'updates', 'deactivations', 'member-removals', 'deletes', 'group-deletes', 'flat']) {
      assert.ok(names.includes(phase), `phase ${phase} ran: ${names}`);
    }
    for (const phase of report.phases) {
      assert.ok(phase.requests > 0, `${phase.name} sent requests`);
      assert.equal(phase.errors, 0, `${phase.name}: ${phase.errorSamples.join('; ')}`);
    }
  });
});

/** `--baseline idp-only`: this build's server with the directory not following SCIM writes. */
describe('the idp-only baseline of the SCIM benchmark', () => {
  const cleanups = new Cleanups();
  let server: ProjectServer;
  before(async () => {
    const context: TargetContext = { workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'scimdir-idp-only-')), peersDir: '', projectRoot: path.resolve(__dirname, '../../..') };
    cleanups.add(() => fs.rmSync(context.workDir, { recursive: true, force: true }));
    server = await startProjectServer(context, cleanups, 'sqlite', ['-r', path.resolve(__dirname, '../../scripts/bench/idp-only.js')]);
  });
  after(() => cleanups.runAll());

  it('when a user is provisioned, changed and deleted, then the IdP layer takes each write and the directory holds nothing', async () => {
    const { scimBaseUrl, token } = server.connector;
    const created = await scim(scimBaseUrl, token, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'idp.only@contoso.example' });
    assert.equal(created.status, 201, created.text);
    assert.equal((await scim(scimBaseUrl, token, 'GET', `/Users/${created.json.id}`)).status, 200);
    const { users } = await adminGraphql<{ users: { totalCount: number } }>(server.url, server.adminToken, 'query ($id: ID) { users(connectorId: $id) { totalCount } }', {
      id: server.connector.id,
    });
    assert.equal(users.totalCount, 0);
    const patched = await scim(scimBaseUrl, token, 'PATCH', `/Users/${created.json.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: false }],
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((await scim(scimBaseUrl, token, 'DELETE', `/Users/${created.json.id}`)).status, 204);
  });
});
