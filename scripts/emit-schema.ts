/** Writes the admin API's SDL to schema/schema.graphql: `npm run schema:emit`. */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { buildAdminSchema, printAdminSchema } from '../src/graphql/schema';

export const SCHEMA_FILE = path.resolve(__dirname, '../../schema/schema.graphql');

async function main(): Promise<void> {
  fs.writeFileSync(SCHEMA_FILE, printAdminSchema(await buildAdminSchema()));
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
