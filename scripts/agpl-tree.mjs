// The AGPL server, tested as if open source: copies the working tree without apps/enterprise, runs the
// AGPL specs there (CODER_TEST_EDITION=agpl: the test server never loads the enterprise tree, and the
// specs under test/**/enterprise/ are left out), then checks that `npm run start:oss` builds and serves.
//
//   node scripts/agpl-tree.mjs [--json <file>] [-- <extra jest arguments>]
//
// --json writes jest's machine-readable summary, which .ci/run adds to its tally.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.cjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? path.resolve(args[jsonAt + 1]) : undefined;
const extra = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];

const tree = mkdtempSync(path.join(os.tmpdir(), 'coderd-agpl-'));
// Run as root, embedded PostgreSQL runs as the postgres user, which must reach its data folder in here.
chmodSync(tree, 0o755);
let failed = false;
try {
  copyTreeWithoutEnterprise(tree);
  // What `npm ci` does through `prepare` in a fresh clone: the AGPL build (scripts/build.mjs picks it).
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: tree, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed in the AGPL tree');
  failed = !runAgplSpecs(tree) || failed;
  failed = !(await startOss(tree)) || failed;
} finally {
  rmSync(tree, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

/** Tracked and untracked (not ignored) files, as a clean clone plus local changes would have them. */
function copyTreeWithoutEnterprise(dest) {
  const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'buffer' });
  if (files.status !== 0) throw new Error('git ls-files failed');
  const list = files.stdout
    .toString()
    .split('\0')
    .filter((f) => f && !f.startsWith('apps/enterprise/'));
  const tar = spawnSync('sh', ['-c', `tar -cf - --null -T - | tar -xf - -C '${dest}'`], { cwd: root, input: list.join('\0') });
  if (tar.status !== 0) throw new Error(`copying the tree failed: ${tar.stderr}`);
  symlinkSync(path.join(root, 'node_modules'), path.join(dest, 'node_modules'));
  console.log(`AGPL tree: ${list.length} files copied to a scratch folder, apps/enterprise left out`);
}

function runAgplSpecs(dir) {
  const jest = ['test', '--', '--selectProjects', 'unit', 'api', '--testPathIgnorePatterns', '/enterprise/', ...extra];
  if (jsonFile) jest.push('--json', `--outputFile=${jsonFile}`);
  const run = spawnSync('npm', jest, { cwd: dir, stdio: 'inherit', env: { ...process.env, CODER_TEST_EDITION: 'agpl' } });
  return run.status === 0;
}

/** `npm run start:oss` must build, listen, serve the AGPL API (and no licensed route), and stop on SIGTERM. */
async function startOss(dir) {
  const port = await freePort();
  const env = { ...process.env, CODER_HTTP_ADDRESS: `127.0.0.1:${port}`, CODER_CACHE_DIRECTORY: path.join(dir, '.cache') };
  const child = spawn('npm', ['run', '--silent', 'start:oss'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = await Promise.race([
    new Promise((resolve) => child.stdout.on('data', () => out.includes(' listening on ') && resolve(true))),
    exited.then(() => false),
    new Promise((resolve) => setTimeout(() => resolve(false), 120_000).unref()),
  ]);
  const problems = [];
  if (!listening) problems.push('the server did not report that it listens');
  else {
    const base = `http://127.0.0.1:${port}`;
    if (!out.includes('coderd (AGPL) listening')) problems.push('the banner does not name the AGPL server');
    const health = await fetch(`${base}/healthz`);
    if (health.status !== 200) problems.push(`GET /healthz answered ${health.status}`);
    const first = await fetch(`${base}/api/v2/users/first`);
    if (first.status !== 404) problems.push(`GET /api/v2/users/first answered ${first.status}, want 404 on a new deployment`);
    const licenses = await fetch(`${base}/api/v2/licenses`);
    if (licenses.status !== 404) problems.push(`GET /api/v2/licenses answered ${licenses.status}; the AGPL server mounts no licensed route`);
  }
  // npm forwards the signal to the server (the script execs it), as a supervisor stopping it would.
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref())]);
  if (code === 'timeout') {
    process.kill(-child.pid, 'SIGKILL');
    problems.push('the server did not stop within 30 s of SIGTERM');
  } else if (listening && code !== 0) problems.push(`the server exited with ${code} on SIGTERM`);
  if (problems.length) {
    console.error(`npm run start:oss in the AGPL tree:\n  ${problems.join('\n  ')}\n--- its output ---\n${out}`);
    return false;
  }
  console.log('npm run start:oss in the AGPL tree: built, served /healthz, mounted no licensed route, stopped on SIGTERM');
  return true;
}
