// For the TypeORM CLI (`typeorm migration:generate -d dist/libs/db/src/data-source.js`).
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './db-options.js';

export default new DataSource(dataSourceOptions(process.env.CODER_PG_CONNECTION_URL ?? ''));
