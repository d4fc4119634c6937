import path from 'node:path';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | { kind: 'mysql'; url: string; database: string };

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  publicUrl: string;
  /** An admin token given by the operator; when absent, the first start generates one. */
  adminToken: string | undefined;
  logLevel: LogLevel;
  /** SCIM requests a second each connector may send to one node; 0 leaves them unlimited. */
  scimRateLimit: number;
  /**
   * How long a node's hold on a connector's full sync lasts without renewal (a run renews it after
   * every batch): how long a node that died mid-sync blocks the next full sync of that connector.
   */
  syncLeaseSeconds: number;
}

export const DEFAULT_SQLITE_FILE = path.join('data', 'scim-directory.sqlite');
export const DEFAULT_SYNC_LEASE_SECONDS = 60;
/** Long enough that a guessable word cannot pass as an admin token. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/**
 * Reads the whole configuration from `env` once, at start. Every bad value gets its own line in
 * the ConfigError, so an operator fixes them all in one go. Nothing else reads process.env.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };

  let port = 3000;
  const rawPort = value('PORT');
  if (rawPort !== undefined) {
    port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port > 65535) {
      problems.push(`PORT: "${rawPort}" is not a port number (0-65535)`);
    }
  }

  const host = value('HOST') ?? '127.0.0.1';

  let database: DatabaseConfig = { kind: 'sqlite', file: DEFAULT_SQLITE_FILE };
  const rawDatabase = value('DATABASE_URL');
  if (rawDatabase !== undefined) {
    const parsed = parseDatabaseUrl(rawDatabase);
    if (typeof parsed === 'string') problems.push(`DATABASE_URL: ${parsed}`);
    else database = parsed;
  }

  let publicUrl = `http://localhost:${port}`;
  const rawPublicUrl = value('PUBLIC_URL');
  if (rawPublicUrl !== undefined) {
    if (isHttpUrl(rawPublicUrl)) publicUrl = rawPublicUrl.replace(/\/+$/, '');
    else problems.push(`PUBLIC_URL: "${rawPublicUrl}" is not an http(s) URL`);
  }

  const adminToken = value('ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    problems.push(`ADMIN_TOKEN: must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters long`);
  }

  let logLevel: LogLevel = 'info';
  const rawLogLevel = value('LOG_LEVEL');
  if (rawLogLevel !== undefined) {
    const level = rawLogLevel.toLowerCase();
    if ((LOG_LEVELS as readonly string[]).includes(level)) logLevel = level as LogLevel;
    else problems.push(`LOG_LEVEL: "${rawLogLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }

  let scimRateLimit = 0;
  const rawRateLimit = value('SCIM_RATE_LIMIT');
  if (rawRateLimit !== undefined) {
    scimRateLimit = Number(rawRateLimit);
    if (!/^\d+$/.test(rawRateLimit)) problems.push(`SCIM_RATE_LIMIT: "${rawRateLimit}" is not a whole number of requests a second`);
  }

  let syncLeaseSeconds = DEFAULT_SYNC_LEASE_SECONDS;
  const rawSyncLease = value('SYNC_LEASE_SECONDS');
  if (rawSyncLease !== undefined) {
    syncLeaseSeconds = Number(rawSyncLease);
    if (!/^\d+$/.test(rawSyncLease) || syncLeaseSeconds < 1) problems.push(`SYNC_LEASE_SECONDS: "${rawSyncLease}" is not a whole number of seconds, 1 or more`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ port, host, database, publicUrl, adminToken, logLevel, scimRateLimit, syncLeaseSeconds });
}

/** Answers the database settings, or a sentence saying what is wrong with the URL. */
function parseDatabaseUrl(raw: string): DatabaseConfig | string {
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return file === '' ? 'an sqlite: URL needs a file path, e.g. sqlite:data/app.sqlite' : { kind: 'sqlite', file };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is neither mysql://user:pass@host:port/db nor sqlite:<file>';
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    return `scheme "${url.protocol}" is not supported (mysql: or sqlite:)`;
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) return 'names no database, e.g. mysql://root@127.0.0.1:3306/scim';
  if (url.hostname === '') return 'names no host';
  return { kind: 'mysql', url: raw, database };
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A DATABASE_URL with its password hidden, for log lines. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') return `sqlite:${database.file}`;
  const url = new URL(database.url);
  if (url.password) url.password = '***';
  return url.toString();
}
