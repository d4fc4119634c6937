import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createConnector } from '../support/scim-client';
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
