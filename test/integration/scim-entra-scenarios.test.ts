import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { databaseKinds } from '../support/databases';
import { createConnector, scim } from '../support/scim-client';
import { startTestServer, TestServer } from '../support/server';

/** The requests Entra ID sends, from ../shared/entra/ (see its README). */
const SCENARIOS_FILE = path.resolve(__dirname, '../../../../shared/entra/scenarios.json');

interface Step {
  send: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  expect: { status: number; json?: unknown };
  capture?: Record<string, string>;
  note?: string;
}

const scenarios: Array<{ name: string; steps: Step[] }> = JSON.parse(fs.readFileSync(SCENARIOS_FILE, 'utf8')).scenarios;

/** Replaces `{{name}}` with captured values, in strings anywhere inside `value`. */
function fill(value: unknown, captured: Map<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{(\w+)\}\}/g, (_all, name: string) => {
      assert.ok(captured.has(name), `{{${name}}} was not captured`);
      return captured.get(name)!;
    });
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, captured));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, captured)]));
  return value;
}

/**
 * The answer contains what is expected: objects by the keys expected; arrays of the same length,
 * each expected element matching a different actual one in any order ("member order is free").
 */
function assertContains(actual: unknown, expected: unknown, where: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: expected ${expected.length} elements, got ${JSON.stringify(actual)}`);
    const unused = [...actual];
    for (const [index, item] of expected.entries()) {
      const match = unused.findIndex((candidate) => {
        try {
          assertContains(candidate, item, `${where}[${index}]`);
          return true;
        } catch {
          return false;
        }
      });
      assert.ok(match >= 0, `${where}: no element matches ${JSON.stringify(item)} in ${JSON.stringify(actual)}`);
      unused.splice(match, 1);
    }
    return;
  }
  if (expected && typeof expected === 'object') {
    assert.ok(actual && typeof actual === 'object', `${where}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [key, value] of Object.entries(expected)) assertContains((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
    return;
  }
  assert.deepEqual(actual, expected, where);
}

/** `$.id`, `$.members[0].value`: the small JSON paths the scenarios capture with. */
function jsonPath(value: unknown, expression: string): string {
  const parts = expression.replace(/^\$\.?/, '').match(/[^.[\]]+/g) ?? [];
  const found = parts.reduce<any>((current, part) => current?.[part], value);
  assert.equal(typeof found, 'string', `${expression} captured nothing from ${JSON.stringify(value)}`);
  return found;
}

for (const kind of databaseKinds()) {
  describe(`Entra scenarios replayed on ${kind}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind);
    });
    after(() => server.close());

    for (const scenario of scenarios) {
      it(`when Entra runs "${scenario.name}", then every answer is the one Entra expects`, async () => {
        const connector = await createConnector(server.url, scenario.name.slice(0, 200));
        const captured = new Map<string, string>();
        for (const [index, step] of scenario.steps.entries()) {
          const where = `step ${index + 1} (${step.send.method} ${step.send.path})${step.note ? `: ${step.note}` : ''}`;
          const headers = (fill(step.send.headers ?? {}, captured) as Record<string, string>) ?? {};
          const override = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
          const reply = await scim(
            connector.baseUrl,
            override ? null : connector.token,
            step.send.method,
            fill(step.send.path, captured) as string,
            fill(step.send.body, captured),
            headers,
          );
          assert.equal(reply.status, step.expect.status, `${where}: status ${reply.status}, body ${reply.text}`);
          if (reply.text) assert.match(reply.headers.get('content-type') ?? '', /^application\/scim\+json/, `${where}: content type`);
          if (step.expect.json !== undefined) assertContains(reply.json, fill(step.expect.json, captured), where);
          for (const [name, expression] of Object.entries(step.capture ?? {})) captured.set(name, jsonPath(reply.json, expression));
        }
      });
    }
  });
}
