import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_SQLITE_FILE, loadConfig } from '../../src/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('when nothing is set, then it answers the documented defaults', () => {
    const config = loadConfig({});
    assert.deepEqual(config, {
      port: 3000,
      host: '127.0.0.1',
      database: { kind: 'sqlite', file: DEFAULT_SQLITE_FILE },
      publicUrl: 'http://localhost:3000',
      adminToken: undefined,
      logLevel: 'info',
      scimRateLimit: 0,
      syncLeaseSeconds: 60,
    });
    assert.ok(Object.isFrozen(config));
  });

  it('when PORT is set and PUBLIC_URL is not, then the public URL names that port', () => {
    assert.equal(loadConfig({ PORT: '8080' }).publicUrl, 'http://localhost:8080');
  });

  it('when PUBLIC_URL ends with slashes, then they are dropped', () => {
    assert.equal(loadConfig({ PUBLIC_URL: 'https://dir.example.com/' }).publicUrl, 'https://dir.example.com');
  });

  it('when DATABASE_URL is a mysql URL, then it selects MySQL with its database', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://app:s3cret@db.internal:3307/scim' });
    assert.deepEqual(config.database, { kind: 'mysql', url: 'mysql://app:s3cret@db.internal:3307/scim', database: 'scim' });
  });

  it('when DATABASE_URL is an sqlite URL, then it names the file', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/scim.sqlite' }).database, {
      kind: 'sqlite',
      file: '/var/lib/scim.sqlite',
    });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:///var/lib/scim.sqlite' }).database, {
      kind: 'sqlite',
      file: '/var/lib/scim.sqlite',
    });
  });

  it('when several values are bad, then each gets one line naming the variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'postgres://localhost/db',
      PUBLIC_URL: 'ftp://x',
      ADMIN_TOKEN: 'short',
      LOG_LEVEL: 'loud',
      SCIM_RATE_LIMIT: 'fast',
      SYNC_LEASE_SECONDS: '0',
    });
    assert.equal(problems.length, 7);
    for (const [index, name] of ['PORT', 'DATABASE_URL', 'PUBLIC_URL', 'ADMIN_TOKEN', 'LOG_LEVEL', 'SCIM_RATE_LIMIT', 'SYNC_LEASE_SECONDS'].entries()) {
      assert.match(problems[index], new RegExp(`^${name}: `));
    }
  });

  for (const [raw, reason] of [
    ['mysql://root@127.0.0.1:3306', /names no database/],
    ['not a url', /neither/],
    ['sqlite:', /needs a file path/],
  ] as const) {
    it(`when DATABASE_URL is "${raw}", then the line says why`, () => {
      const [problem] = problemsOf({ DATABASE_URL: raw });
      assert.match(problem, reason);
    });
  }

  it('when SYNC_LEASE_SECONDS is set, then full-sync leases last that long', () => {
    assert.equal(loadConfig({ SYNC_LEASE_SECONDS: '5' }).syncLeaseSeconds, 5);
  });

  it('when a port is out of range, then it is refused', () => {
    assert.match(problemsOf({ PORT: '70000' })[0], /^PORT: /);
  });
});
