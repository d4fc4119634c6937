import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { DatabaseConfig } from '../../src/config';

export type DatabaseKind = 'sqlite' | 'mysql';

export interface ScratchDatabase {
  kind: DatabaseKind;
  config: DatabaseConfig;
  /** Removes the database (the MySQL database, or the SQLite file with its WAL). */
  drop(): Promise<void>;
}

/** The MySQL server tests use: MYSQL_URL, else root without a password on the local port. */
export function mysqlServerUrl(): string {
  return process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';
}

/**
 * The databases every database test runs on. scripts/test.mjs probes MySQL once per run and sets
 * SCIMDIR_SKIP_MYSQL=1 when it is unreachable and not required, so that the MySQL half is skipped.
 */
export function databaseKinds(): DatabaseKind[] {
  return process.env.SCIMDIR_SKIP_MYSQL === '1' ? ['sqlite'] : ['sqlite', 'mysql'];
}

export async function createScratchDatabase(kind: DatabaseKind): Promise<ScratchDatabase> {
  const name = `scimdir_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimdir-'));
    const file = path.join(dir, `${name}.sqlite`);
    return {
      kind,
      config: { kind: 'sqlite', file },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const server = new URL(mysqlServerUrl());
  const admin = await mysql.createConnection(server.toString());
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    kind,
    config: { kind: 'mysql', url: url.toString(), database: name },
    drop: async () => {
      const conn = await mysql.createConnection(server.toString());
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}
