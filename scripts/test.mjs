// npm test: runs every compiled test file under Node's own runner, on SQLite and on MySQL.
// MySQL is MYSQL_URL, else root without a password at 127.0.0.1:3306. When it does not answer,
// REQUIRE_MYSQL=1 fails the run; otherwise the MySQL half is skipped, and this says so once.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';

const root = path.resolve(import.meta.dirname, '..');
const mysqlUrl = process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';

async function mysqlAnswers() {
  try {
    const connection = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 5000 });
    await connection.query('SELECT 1');
    await connection.end();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

// Compiled tests whose source still exists: a test deleted from test/ may linger in dist/.
function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    if (!entry.name.endsWith('.test.js')) return [];
    const source = path.join(root, path.relative(path.join(root, 'dist'), full)).replace(/\.js$/, '.ts');
    return fs.existsSync(source) ? [full] : [];
  });
}

const env = { ...process.env };
const problem = await mysqlAnswers();
const where = new URL(mysqlUrl).host;
if (problem && process.env.REQUIRE_MYSQL === '1') {
  console.error(`MySQL at ${where} does not answer (${problem}), and REQUIRE_MYSQL=1 requires it.`);
  process.exit(1);
}
if (problem) {
  console.log(`MySQL at ${where} does not answer (${problem}): skipping the MySQL half; REQUIRE_MYSQL=1 makes this fail.`);
  env.SCIMDIR_SKIP_MYSQL = '1';
}

const filter = process.argv.slice(2);
const files = testFiles(path.join(root, 'dist', 'test'))
  .filter((file) => filter.length === 0 || filter.some((part) => file.includes(part)))
  .sort();
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env, cwd: root });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
