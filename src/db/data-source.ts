import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { DataSource, DataSourceOptions, Logger } from 'typeorm';
import type { DatabaseConfig } from '../config';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { ENTITIES } from './entities';
import { MYSQL_MIGRATIONS } from './migrations/mysql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

export interface DataSourceExtras {
  /** Receives every SQL statement; tests use it to count statements. */
  logger?: Logger;
  /** Connections in the MySQL pool. */
  poolSize?: number;
}

/** MySQL and MariaDB speak one protocol, but TypeORM reads their catalogues differently. */
export type MysqlFlavour = 'mysql' | 'mariadb';

export function dataSourceOptions(
  database: DatabaseConfig,
  extras: DataSourceExtras & { flavour?: MysqlFlavour } = {},
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    synchronize: false,
    migrationsRun: false,
    logging: extras.logger ? ['query' as const] : false,
    logger: extras.logger,
  };
  if (database.kind === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: database.file,
      migrations: SQLITE_MIGRATIONS,
      // WAL lets readers go on while a write commits; the busy timeout covers a second process.
      enableWAL: true,
      timeout: 10_000,
      // With WAL, NORMAL never corrupts the database; a power cut may lose the last commits.
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('synchronous = NORMAL');
        // 32 MB of page cache (the default is 2 MB): the indexes of a large directory stay in memory.
        db.pragma('cache_size = -32000');
        // Checkpoints run in a worker thread (SqliteCheckpointer), off the request path.
        db.pragma('wal_autocheckpoint = 0');
        // Each transaction of a group commit is a savepoint (Transactions): every page an earlier one
        // dirtied goes to a statement journal before a later one changes it. Past 64 KiB SQLite
        // spills that journal to a temporary file, a file opened, written and deleted per
        // transaction. In memory, 10,000 SCIM user creates took 165,000 write calls instead of 430,000.
        db.pragma('temp_store = MEMORY');
      },
    };
  }
  return {
    ...common,
    type: extras.flavour ?? 'mysql',
    url: database.url,
    migrations: MYSQL_MIGRATIONS,
    charset: 'utf8mb4',
    timezone: 'Z',
    poolSize: extras.poolSize ?? 10,
    // mysql2 captures a stack trace for every statement, for its errors' sake: a twentieth of the
    // server's CPU on a SCIM write. A failed statement still raises TypeORM's QueryFailedError.
    trace: false,
    // Transactions send statements that need no answer in between as one query (its Pipeline).
    // Every statement is parameterised, so no input can add a statement of its own.
    multipleStatements: true,
  };
}

/** A DataSource that, on an SQLite file, also runs the WAL checkpoints for its lifetime. */
class AppDataSource extends DataSource {
  private checkpointer: SqliteCheckpointer | null = null;

  constructor(
    options: DataSourceOptions,
    private readonly sqliteFile: string | null,
  ) {
    super(options);
  }

  override async initialize(): Promise<this> {
    await super.initialize();
    if (this.sqliteFile) {
      this.checkpointer = new SqliteCheckpointer(this.sqliteFile, (message) => {
        // Without its checkpoints the WAL would grow without end: SQLite's own take over.
        this.logger.log('warn', `WAL checkpointer failed (${message}); SQLite checkpoints on its own from now on`);
        void this.query('PRAGMA wal_autocheckpoint = 1000');
      });
    }
    return this;
  }

  override async destroy(): Promise<void> {
    await this.checkpointer?.stop();
    this.checkpointer = null;
    await super.destroy();
  }
}

export async function createDataSource(database: DatabaseConfig, extras: DataSourceExtras = {}): Promise<DataSource> {
  if (database.kind === 'sqlite') {
    const inMemory = database.file === ':memory:';
    if (!inMemory) fs.mkdirSync(path.dirname(path.resolve(database.file)), { recursive: true });
    return new AppDataSource(dataSourceOptions(database, extras), inMemory ? null : path.resolve(database.file));
  }
  return new DataSource(dataSourceOptions(database, { ...extras, flavour: await mysqlFlavour(database.url) }));
}

/** Asks the server what it is, so that a mysql:// URL works against MariaDB too. */
async function mysqlFlavour(url: string): Promise<MysqlFlavour> {
  if (url.startsWith('mariadb:')) return 'mariadb';
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 10_000 });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT VERSION() AS version');
    return /mariadb/i.test(String(rows[0]?.version)) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/**
 * Runs the pending migrations. On MySQL a named lock keeps two nodes that start together from
 * migrating at once; SQLite's write lock does the same for two processes on one file.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type === 'better-sqlite3') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  try {
    const [{ locked }] = await runner.query(`SELECT GET_LOCK('scim_directory_migrations', 120) AS locked`);
    if (Number(locked) !== 1) throw new Error('timed out waiting for another node to finish migrating');
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query(`SELECT RELEASE_LOCK('scim_directory_migrations')`);
    }
  } finally {
    await runner.release();
  }
}

/** True when the database answers and every migration has run; throws when it does not answer. */
export async function isReady(dataSource: DataSource): Promise<boolean> {
  if (!dataSource.isInitialized) return false;
  // A plain read: TypeORM's own check would create the migrations table, and a probe must not write.
  const rows: Array<{ name: string }> = await dataSource.query('SELECT name FROM migrations');
  const applied = new Set(rows.map((row) => row.name));
  return dataSource.migrations.every((migration) => applied.has(migration.name ?? migration.constructor.name));
}
