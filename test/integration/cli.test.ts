import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../support/databases';
import { scim } from '../support/scim-client';
import { fullSyncsSettled, graphql, startTestServer, TEST_ADMIN_TOKEN, TestServer } from '../support/server';

const CLI = path.resolve(__dirname, '../../scripts/cli/main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a script would: a process of its own, the service found through the environment. */
function cli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

for (const kind of databaseKinds()) {
  describe(`the CLI against a running server on ${kind}`, () => {
    let server: TestServer;
    let env: Record<string, string>;
    let dir: string;
    const run = async (...args: string[]) => cli(args, env);
    const ok = async (...args: string[]) => {
      const result = await run(...args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      return result;
    };
    const policyOf = async (connectorId: string) =>
      (await graphql(server.url, TEST_ADMIN_TOKEN, 'query ($id: ID!) { connector(id: $id) { groupPolicy { alwaysAssign onlyAssign neverAssign neverRemove required } } }', { id: connectorId })).data
        .connector.groupPolicy;

    let connector: { id: string; name: string; scimBaseUrl: string };
    let scimToken: string;

    before(async () => {
      server = await startTestServer(kind);
      env = { SCIMDIR_URL: server.url, SCIMDIR_TOKEN: TEST_ADMIN_TOKEN };
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimdir-cli-'));
      const created = JSON.parse((await ok('connector', 'create', 'Contoso Entra', '--json')).stdout);
      connector = created.connector;
      scimToken = created.token;
      const ids: string[] = [];
      for (const userName of ['ann@contoso.test', 'ben@contoso.test', 'cat@contoso.test']) {
        const reply = await scim(connector.scimBaseUrl, scimToken, 'POST', '/Users', { userName, active: true, name: { givenName: userName.slice(0, 3) } });
        assert.equal(reply.status, 201, reply.text);
        ids.push(reply.json.id);
      }
      assert.equal((await scim(connector.scimBaseUrl, scimToken, 'POST', '/Groups', { displayName: 'jira-users', members: ids.slice(0, 2).map((value) => ({ value })) })).status, 201);
    });
    after(async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      await server.close();
    });

    it('when a connector is created, then it prints the tenant URL and the token once, and the token works for SCIM', async () => {
      const { stdout, stderr } = await ok('connector', 'create', 'Second');
      const url = /tenant URL:\s+(\S+)/.exec(stdout)![1];
      const token = /secret token:\s+(\S+)/.exec(stdout)![1];
      assert.match(stderr, /shown this once/);
      assert.equal((await scim(url, token, 'GET', '/Users')).status, 200);
    });

    it('when connectors are listed, then the table and the JSON show each with its counts', async () => {
      const table = (await ok('connector', 'list')).stdout.split('\n');
      assert.match(table[0], /^ID\s+NAME\s+ENABLED\s+USERS\s+ACTIVE\s+GROUPS\s+MEMBERSHIPS\s+LAST SYNC$/);
      assert.ok(table.some((line) => line.startsWith(connector.id) && /Contoso Entra\s+yes\s+3\s+3\s+1\s+2\s/.test(line)), table.join('\n'));
      const listed = JSON.parse((await ok('connector', 'list', '--json')).stdout);
      assert.deepEqual(listed.find((row: { id: string }) => row.id === connector.id).stats, { users: 3, activeUsers: 3, groups: 1, memberships: 2 });
    });

    it('when a connector is named by a name in another case, disabled and enabled, then SCIM follows', async () => {
      assert.equal((await ok('connector', 'disable', 'contoso entra')).stdout.trim(), 'Contoso Entra: disabled');
      assert.equal((await scim(connector.scimBaseUrl, scimToken, 'GET', '/Users')).status, 403);
      await ok('connector', 'enable', connector.id);
      assert.equal((await scim(connector.scimBaseUrl, scimToken, 'GET', '/Users')).status, 200);
    });

    it('when a token is rotated without grace, then the new one works and the old one stops', async () => {
      const other = JSON.parse((await ok('connector', 'create', 'Rotated', '--json')).stdout);
      const { token } = JSON.parse((await ok('connector', 'rotate-token', 'Rotated', '--json')).stdout);
      assert.equal((await scim(other.connector.scimBaseUrl, token, 'GET', '/Users')).status, 200);
      assert.equal((await scim(other.connector.scimBaseUrl, other.token, 'GET', '/Users')).status, 401);
      const graced = await ok('connector', 'rotate-token', 'Rotated', '--grace', '600');
      assert.match(graced.stderr, /keep working for 600 s/);
      assert.equal((await scim(other.connector.scimBaseUrl, token, 'GET', '/Users')).status, 200, 'in its grace period');
    });

    it('when patterns are set, added and removed, then each changes only the lists it names', async () => {
      await ok('patterns', 'set', '--connector', 'Contoso Entra', '--only', 'jira-.*', '--only', 'conf-.*', '--never', 'jira-temp.*');
      assert.deepEqual(await policyOf(connector.id), { alwaysAssign: [], onlyAssign: ['jira-.*', 'conf-.*'], neverAssign: ['jira-temp.*'], neverRemove: [], required: [] });
      const added = await ok('patterns', 'add', '--connector', connector.id, '--never', 'x-.*', '--never', 'jira-temp.*', '--never-remove', 'keep-.*');
      assert.match(added.stderr, /never assign: "jira-temp\.\*" is there already/);
      assert.deepEqual(await policyOf(connector.id), { alwaysAssign: [], onlyAssign: ['jira-.*', 'conf-.*'], neverAssign: ['jira-temp.*', 'x-.*'], neverRemove: ['keep-.*'], required: [] });
      await ok('patterns', 'remove', '--connector', connector.id, '--only', 'conf-.*', '--only', 'absent');
      await ok('patterns', 'set', '--connector', connector.id, '--clear', 'never', '--always', 'everyone');
      assert.deepEqual(await policyOf(connector.id), { alwaysAssign: ['everyone'], onlyAssign: ['jira-.*'], neverAssign: [], neverRemove: ['keep-.*'], required: [] });
      const shown = JSON.parse((await ok('patterns', 'show', '--connector', connector.id, '--json')).stdout);
      assert.deepEqual(shown, await policyOf(connector.id));
      assert.match((await ok('patterns', 'show', '--connector', connector.id)).stdout, /only assign:\s+jira-\.\*/);
      await ok('patterns', 'set', '--connector', connector.id, '--clear', 'always', '--clear', 'only', '--clear', 'never-remove');
    });

    it('when a pattern is invalid, then the CLI exits 2 with the API’s error, and nothing is saved', async () => {
      const before = await policyOf(connector.id);
      const result = await run('patterns', 'set', '--connector', connector.id, '--only', '(unclosed');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /error: .*\(unclosed.*BAD_USER_INPUT/);
      assert.deepEqual(await policyOf(connector.id), before);
    });

    it('when the cleanup action is set, then the connector has it; an unknown one is a usage error', async () => {
      await ok('cleanup', 'set', 'keep', '--connector', connector.id);
      const { data } = await graphql(server.url, TEST_ADMIN_TOKEN, 'query ($id: ID!) { connector(id: $id) { cleanupAction } }', { id: connector.id });
      assert.equal(data.connector.cleanupAction, 'KEEP');
      assert.equal((await run('cleanup', 'set', 'nuke', '--connector', connector.id)).code, 1);
      await ok('cleanup', 'set', 'DISABLE', '--connector', connector.id);
    });

    it('when mappings are imported from a file and exported, then they round-trip; a file that is not JSON is a usage error', async () => {
      const file = path.join(dir, 'mappings.json');
      fs.writeFileSync(file, JSON.stringify([{ target: 'DISPLAY_NAME', source: '{name.givenName}', transformations: [{ fn: 'uppercase' }] }]));
      assert.match((await ok('mappings', 'import', '--connector', connector.id, '--file', file)).stdout, /1 mapping\(s\) saved/);
      const exported = path.join(dir, 'exported.json');
      await ok('mappings', 'export', '--connector', connector.id, '--file', exported);
      const mappings = JSON.parse(fs.readFileSync(exported, 'utf8'));
      assert.deepEqual(mappings, [{ target: 'DISPLAY_NAME', property: null, source: '{name.givenName}', transformations: [{ fn: 'uppercase', args: null }], onNoMatch: 'KEEP' }]);
      await ok('mappings', 'import', '--connector', connector.id, '--file', exported);
      assert.deepEqual(JSON.parse((await ok('mappings', 'export', '--connector', connector.id)).stdout), mappings);
      fs.writeFileSync(file, '{ not json');
      const bad = await run('mappings', 'import', '--connector', connector.id, '--file', file);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /cannot read .* as JSON/);
      await ok('mappings', 'import', '--connector', connector.id, '--file', (fs.writeFileSync(file, '[]'), file));
    });

    it('when a sync runs, then a progress bar goes to stderr and a summary table to stdout; a preview prints samples', async () => {
      // The settings changes above started full syncs of their own; the directory follows the IdP once they end.
      await fullSyncsSettled(server, connector.id);
      const { data } = await graphql(server.url, TEST_ADMIN_TOKEN, '{ users(search: "ann@") { edges { node { id groups { id name } } } } }');
      const ann = data.users.edges[0].node;
      const removed = await graphql(server.url, TEST_ADMIN_TOKEN, 'mutation ($g: ID!, $u: ID!) { removeGroupMember(groupId: $g, userId: $u) { warning } }', { g: ann.groups[0].id, u: ann.id });
      assert.equal(removed.errors, undefined, JSON.stringify(removed.errors));

      const preview = await ok('sync', 'run', '--connector', connector.id, '--dry-run', '--no-progress');
      assert.match(preview.stdout, /^Preview of Contoso Entra: SUCCEEDED/);
      assert.match(preview.stdout, /memberships added\s+1\s+ann@contoso\.test → jira-users\n/);
      assert.equal(preview.stderr, '');
      const full = await ok('sync', 'run', '--connector', connector.id, '--progress');
      assert.match(full.stderr, /\[#{30}\] 3\/3 users\n$/);
      assert.match(full.stdout, /^Full sync of Contoso Entra: SUCCEEDED/);
      assert.match(full.stdout, /memberships added\s+1\n/);
      const again = JSON.parse((await ok('sync', 'run', '--connector', connector.id, '--json')).stdout);
      assert.equal(again.status, 'SUCCEEDED');
      assert.equal(again.usersProcessed, 3);
      assert.equal(again.membershipsAdded, 0, 'the full sync before gave it back');
    });

    it('when users and groups are listed and a user is shown, then they come from the directory', async () => {
      const users = JSON.parse((await ok('users', 'list', '--connector', 'Contoso Entra', '--json')).stdout);
      assert.equal(users.totalCount, 3);
      assert.deepEqual(users.users.map((user: { userName: string }) => user.userName), ['ann@contoso.test', 'ben@contoso.test', 'cat@contoso.test']);
      const page = await ok('users', 'list', '--connector', connector.id, '--first', '2');
      assert.match(page.stderr, /2 of 3; the next page: --after \S+/);
      const next = /--after (\S+)/.exec(page.stderr)![1];
      assert.match((await ok('users', 'list', '--connector', connector.id, '--after', next)).stdout, /cat@contoso\.test/);
      assert.equal(JSON.parse((await ok('users', 'list', '--group', 'jira-users', '--json')).stdout).totalCount, 2);
      assert.equal(JSON.parse((await ok('users', 'list', '--search', 'BE', '--json')).stdout).users[0].userName, 'ben@contoso.test');
      const shown = await ok('users', 'show', 'ANN@contoso.test');
      assert.match(shown.stdout, /userName:\s+ann@contoso\.test/);
      assert.match(shown.stdout, /jira-users\s+IDP/);
      assert.match(shown.stdout, /What the IdP sent:\n\{\n\s+"userName": "ann@contoso\.test"/);
      const byId = JSON.parse((await ok('users', 'show', users.users[2].id, '--json')).stdout);
      assert.equal(byId.userName, 'cat@contoso.test');
      assert.equal((await run('users', 'show', 'nobody@contoso.test')).code, 1);
      const groups = JSON.parse((await ok('groups', 'list', '--origin', 'IDP', '--json')).stdout);
      assert.deepEqual(groups.groups.map((group: { name: string; members: number }) => [group.name, group.members]), [['jira-users', 2]]);
      assert.match((await ok('groups', 'list', '--search', 'jira')).stdout, /jira-users\s+IDP\s+2/);
    });

    it('when the CLI is misused or the API refuses, then the exit code says which: 1 for usage, 2 for the API', async () => {
      assert.equal((await run('--help')).code, 0);
      assert.equal((await run('connector', 'frobnicate')).code, 1);
      assert.equal((await run('patterns', 'show')).code, 1, '--connector is required');
      assert.equal((await run('patterns', 'set', '--connector', connector.id)).code, 1, 'no list to set');
      assert.equal((await run('patterns', 'show', '--connector', 'no such connector')).code, 1);
      assert.equal((await run('users', 'list', '--first', 'ten')).code, 1);
      const missing = await cli(['connector', 'list'], { SCIMDIR_TOKEN: TEST_ADMIN_TOKEN });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /SCIMDIR_URL/);
      const refused = await cli(['connector', 'list'], { SCIMDIR_URL: server.url, SCIMDIR_TOKEN: 'not-a-token' });
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /UNAUTHENTICATED/);
      const flags = await cli(['--url', server.url, '--token', TEST_ADMIN_TOKEN, 'connector', 'list', '--json'], {});
      assert.equal(flags.code, 0, 'flags stand in for the environment');
      const unreachable = await cli(['--url', 'http://127.0.0.1:9', '--token', 'x', 'connector', 'list'], {});
      assert.equal(unreachable.code, 2);
      assert.match(unreachable.stderr, /cannot reach http:\/\/127\.0\.0\.1:9\/graphql/);
    });
  });
}
