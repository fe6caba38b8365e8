// `npm run build`: compiles the enterprise server, or the AGPL server alone in a tree without
// apps/enterprise (the open-source build), then records that a build finished.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const project = existsSync(path.join(root, 'apps/enterprise/src')) ? 'enterprise' : 'coderd';
const nest = path.join(root, 'node_modules/@nestjs/cli/bin/nest.js');
const built = spawnSync(process.execPath, [nest, 'build', project], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const stamped = spawnSync(process.execPath, [path.join(root, 'scripts/build-if-stale.mjs'), '--stamp'], { cwd: root, stdio: 'inherit' });
process.exit(stamped.status ?? 1);
