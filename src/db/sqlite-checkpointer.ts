import { Worker } from 'node:worker_threads';

/** How often the WAL is copied back into the database file. */
const CHECKPOINT_INTERVAL_MS = 500;

/*
 * Runs in a worker thread with a connection of its own. A checkpoint copies the WAL into the
 * database and syncs it to disk: milliseconds of blocking I/O that, run by SQLite's automatic
 * checkpoint on the server's connection, would stall every request behind it. PASSIVE never
 * waits for the server's connection.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 1000 });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.interval);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Checkpoints an SQLite database in WAL mode from a worker thread. */
export class SqliteCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, onError: (message: string) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, interval: CHECKPOINT_INTERVAL_MS, driver: require.resolve('better-sqlite3') },
    });
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error) onError(message.error);
    });
    this.worker.on('error', (error) => onError(error.message));
    this.worker.unref();
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    // Unreferenced, the worker would not keep the process alive long enough to close its connection.
    this.worker.ref();
    this.worker.postMessage('stop');
    await exited;
  }
}
