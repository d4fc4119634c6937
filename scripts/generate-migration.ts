/**
 * Writes a migration for each dialect from the difference between the entities and the schema
 * that the existing migrations build: `npm run migration:generate -- <Name>`. Needs MySQL (see
 * MYSQL_URL). Review both files before committing them.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { createDataSource, migrate } from '../src/db/data-source';
import { createScratchDatabase, DatabaseKind } from '../test/support/databases';

const MIGRATIONS_DIR = path.resolve(__dirname, '../../src/db/migrations');
// MySQL tables compare text byte for byte, as SQLite does; case-insensitivity is explicit (caseKey).
const MYSQL_TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

async function pendingSchemaChanges(kind: DatabaseKind) {
  const scratch = await createScratchDatabase(kind);
  const dataSource = await createDataSource(scratch.config);
  try {
    await dataSource.initialize();
    await migrate(dataSource);
    return await dataSource.driver.createSchemaBuilder().log();
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await scratch.drop();
  }
}

function render(className: string, up: string[], down: string[]): string {
  const lines = (queries: string[]) =>
    queries.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join('\n');
  return `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`;
}

function register(kind: DatabaseKind, fileBase: string, className: string): void {
  const indexFile = path.join(MIGRATIONS_DIR, kind, 'index.ts');
  let index = fs.readFileSync(indexFile, 'utf8');
  index = index.replace(/((?:^import [^\n]+\n)+)/m, `$1import { ${className} } from './${fileBase}';\n`);
  index = index.replace(/= \[([^\]]*)\];/, (_all, items: string) => {
    const list = items.split(',').map((item) => item.trim()).filter(Boolean);
    return `= [${[...list, className].join(', ')}];`;
  });
  fs.writeFileSync(indexFile, index);
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name)) {
    console.error('usage: npm run migration:generate -- <PascalCaseName>');
    process.exit(1);
  }
  const timestamp = Date.now();
  for (const kind of ['sqlite', 'mysql'] as const) {
    const changes = await pendingSchemaChanges(kind);
    if (changes.upQueries.length === 0) {
      console.log(`${kind}: the migrations already match the entities`);
      continue;
    }
    const fix = (query: string) => (kind === 'mysql' ? query.replace(/ENGINE=InnoDB$/, MYSQL_TABLE_OPTIONS) : query);
    const up = changes.upQueries.map((q) => fix(q.query));
    const down = changes.downQueries.map((q) => q.query).reverse();
    const className = `${name}${timestamp}`;
    const fileBase = `${timestamp}-${name}`;
    fs.writeFileSync(path.join(MIGRATIONS_DIR, kind, `${fileBase}.ts`), render(className, up, down));
    register(kind, fileBase, className);
    console.log(`${kind}: wrote src/db/migrations/${kind}/${fileBase}.ts (${up.length} statements)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
