import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { databaseKinds } from '../support/databases';

const FULL_SYNC = path.resolve(__dirname, '../../scripts/bench/full-sync.js');

/** The full-sync benchmark at a size that runs in seconds yet takes several batches: each run's counts must match the generated data. */
describe('the full-sync benchmark', () => {
  it('when it syncs a small generated connector, then every run succeeds with the counts the data implies', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      FULL_SYNC,
      '--json',
      ...['--users', '2100', '--groups', '8', '--memberships', '6000', '--targets', databaseKinds().join(',')],
    ]);
    const results = JSON.parse(stdout) as Array<{ target: string; failure?: string; runs: Array<{ name: string; status: string; mismatches: string[]; counts: Record<string, number> }> }>;
    assert.deepEqual(results.map((result) => result.target), databaseKinds());
    for (const result of results) {
      assert.equal(result.failure, undefined, `${result.target}: ${result.failure}`);
      assert.deepEqual(result.runs.map((run) => run.name), ['initial', 'onlyAssign app-.*', 'unchanged']);
      for (const run of result.runs) {
        assert.equal(run.status, 'SUCCEEDED', `${result.target} ${run.name}`);
        assert.deepEqual(run.mismatches, [], `${result.target} ${run.name}`);
      }
      assert.deepEqual([result.runs[0].counts.usersCreated, result.runs[0].counts.membershipsAdded], [2100, 6000]);
      assert.ok(result.runs[1].counts.membershipsRemoved > 0, 'the pattern change removes memberships');
    }
  });
});
