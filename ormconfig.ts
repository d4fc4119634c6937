/**
 * The DataSource for the TypeORM CLI (`npx typeorm -d dist/ormconfig.js migration:show`), built
 * from the same configuration as the server. The server itself does not import this file.
 */
import 'reflect-metadata';
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

export const dataSource = createDataSource(loadConfig().database);
