import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { createScratchDatabase, databaseKinds, ScratchDatabase } from '../support/databases';
import { graphql } from '../support/server';
import { databaseUrl, MAIN, start, stop } from '../support/process';

for (const kind of databaseKinds()) {
  describe(`starting the server on ${kind}`, () => {
    let scratch: ScratchDatabase;
    before(async () => {
      scratch = await createScratchDatabase(kind);
    });
    after(() => scratch.drop());

    it('when it first starts without ADMIN_TOKEN, then it migrates, prints the URLs and a working admin token once', async () => {
      const first = await start({ DATABASE_URL: databaseUrl(scratch.config) });
      const banner = first.stdout();
      assert.match(banner, /Dashboard: +http:\/\/localhost:\d+\/ /);
      assert.match(banner, /GraphQL admin API: http:\/\/localhost:\d+\/graphql/);
      assert.match(banner, /Health: +http:\/\/localhost:\d+\/healthz/);
      const token = /^\s+(admin_\S+)$/m.exec(banner)?.[1];
      assert.ok(token, 'the banner shows a generated admin token');
      const answer = await graphql(first.url, token, '{ connectors { id } }');
      assert.deepEqual(answer.data, { connectors: [] });
      assert.equal(await stop(first, 'SIGTERM'), 0);

      const second = await start({ DATABASE_URL: databaseUrl(scratch.config) });
      assert.doesNotMatch(second.stdout(), /admin_/, 'the token is printed on the first start only');
      assert.deepEqual((await graphql(second.url, token, '{ connectors { id } }')).data, { connectors: [] });
      assert.equal(await stop(second, 'SIGINT'), 0);
    });

    it('when ADMIN_TOKEN is set, then that token works and none is printed', async () => {
      const adminToken = 'operator-chosen-admin-token-0123456789abcdef';
      const started = await start({ DATABASE_URL: databaseUrl(scratch.config), ADMIN_TOKEN: adminToken });
      assert.doesNotMatch(started.stdout(), /admin_/);
      assert.deepEqual((await graphql(started.url, adminToken, '{ connectors { id } }')).data, { connectors: [] });
      assert.equal(await stop(started, 'SIGTERM'), 0);
    });
  });
}

describe('starting the server with bad configuration', () => {
  it('when values are bad, then it exits 1 with one line per bad value', async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', PORT: 'abc', LOG_LEVEL: 'chatty', DATABASE_URL: 'oracle://x/y' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    const lines = err.trim().split('\n');
    assert.deepEqual(
      lines.map((line) => line.split(':')[1]?.trim()),
      ['PORT', 'DATABASE_URL', 'LOG_LEVEL'],
    );
  });
});
