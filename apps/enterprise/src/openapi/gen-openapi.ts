/**
 * Writes the enterprise server's OpenAPI document (a superset of the AGPL one) without a database:
 * Nest's preview mode wires the modules but runs no provider factories.
 * `--check` compares with the committed file instead and fails on any difference.
 */
import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig } from '#coderd/config/config.js';
import { buildOpenApiDocument } from '#coderd/openapi/swagger.js';
import { createApp } from '#coderd/server/create-app.js';
import { EnterpriseModule } from '../enterprise.module.js';

const check = process.argv.includes('--check');
const file = process.argv.filter((a) => !a.startsWith('--')).slice(2)[0] ?? 'openapi/openapi.json';
const config = loadConfig({});
const app = await createApp(EnterpriseModule.forRoot({ config, databaseUrl: 'postgres://preview' }), config, {
  preview: true,
  logLevels: ['error'],
});
const doc = buildOpenApiDocument(app, 'Coder API');
const json = JSON.stringify(doc, null, 2) + '\n';
await app.close();
if (check) {
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== json) {
    console.error(`${file} is out of date: run \`npm run openapi\` and commit the result.`);
    process.exit(1);
  }
  console.log(`openapi: ${file} matches the code`);
} else {
  await writeFile(file, json);
  console.log(`openapi: wrote ${file} (${Object.keys(doc.paths).length} paths)`);
}
