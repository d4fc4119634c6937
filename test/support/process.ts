import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config';

export const MAIN = path.resolve(__dirname, '../../src/main.js');

export interface Started {
  child: ChildProcess;
  url: string;
  stdout: () => string;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

export function databaseUrl(config: DatabaseConfig): string {
  return config.kind === 'sqlite' ? `sqlite:${config.file}` : config.url;
}

/** Starts the server as `npm start` does after building, and waits until /readyz answers 200. */
export async function start(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) assert.fail(`the server exited with ${child.exitCode}: ${err}`);
    const status = await fetch(`${url}/readyz`).then((response) => response.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) assert.fail(`/readyz did not answer 200 within 30 s: ${err}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, stdout: () => out };
}

export async function stop(started: Started, signal: NodeJS.Signals): Promise<number | null> {
  started.child.kill(signal);
  const [code] = await once(started.child, 'exit');
  return code as number | null;
}

