import 'reflect-metadata';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildAdminSchema, printAdminSchema } from '../../../src/graphql/schema';

const COMMITTED = path.resolve(__dirname, '../../../../schema/schema.graphql');

describe('the committed GraphQL schema', () => {
  it('when the resolvers are built, then their SDL equals schema/schema.graphql', async () => {
    const emitted = printAdminSchema(await buildAdminSchema());
    assert.equal(emitted, fs.readFileSync(COMMITTED, 'utf8'), 'the API changed: run `npm run schema:emit` and commit the file');
  });

  it('when the SDL is read, then every type, field and argument has a description', async () => {
    const schema = await buildAdminSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Boolean', 'Int', 'Float', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (!('getFields' in type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) {
          if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });
});
