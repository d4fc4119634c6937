/** Writes the SCIM /Schemas and /ResourceTypes documents to schema/scim/: `npm run schema:emit-scim`. */
import fs from 'node:fs';
import path from 'node:path';
import { scimSchemaFiles } from '../src/scim/schema/documents';

const SCIM_SCHEMA_DIR = path.resolve(__dirname, '../../schema/scim');

fs.mkdirSync(SCIM_SCHEMA_DIR, { recursive: true });
for (const [name, contents] of Object.entries(scimSchemaFiles())) {
  const file = path.join(SCIM_SCHEMA_DIR, name);
  fs.writeFileSync(file, contents);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
