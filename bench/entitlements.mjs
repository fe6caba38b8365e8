#!/usr/bin/env node
// Micro-benchmark of computeEntitlements (libs/entitlements/src/compute.ts) as built: the pure computation
// the enterprise server runs on every license change and periodic refresh. Needs `npm run build` first.
//
//   node bench/entitlements.mjs                       # 10 licenses, 5,000 warm-up calls, 100,000 timed calls
//   BENCH_ITERATIONS=20000 BENCH_WARMUP=1000 node bench/entitlements.mjs
//
// Prints mean / p50 / p99 / max microseconds per call and whether p99 is under 1 ms, and writes
// bench/results/entitlements-<timestamp>.md.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COMPUTE = path.join(ROOT, 'dist/libs/entitlements/src/compute.js');
const RESULTS_DIR = path.join(ROOT, 'bench/results');
const TARGET_US = 1000;

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got ${JSON.stringify(raw)})`);
  return n;
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Ten licenses that exercise every path: sets, à la carte, limits, usage periods, grace, future terms, add-ons. */
function licenses(now) {
  const at = (days) => Math.floor(now.getTime() / 1000) + days * 86_400;
  const base = (i, over) => ({
    uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    claims: {
      jti: `bench-${i}`, iat: at(-30), nbf: at(-30), license_expires: at(300), exp: at(330),
      account_type: 'salesforce', account_id: 'bench', version: 3, features: {}, ...over,
    },
  });
  return [
    base(1, { feature_set: 'premium', features: { user_limit: 1000 } }),
    base(2, { feature_set: 'enterprise', features: { user_limit: 500, audit_log: 1 } }),
    base(3, { all_features: true, features: { user_limit: 200 } }),
    base(4, { features: { user_limit: 100, audit_log: 1, scim: 1, template_rbac: 1, browser_only: 0, retired_feature: 3 } }),
    base(5, { license_expires: at(-2), exp: at(25), feature_set: 'premium', features: { user_limit: 2000 } }), // grace
    base(6, { nbf: at(20), license_expires: at(400), exp: at(430), feature_set: 'premium', features: { user_limit: 1500 } }), // future term
    base(7, { trial: true, require_telemetry: true, license_expires: at(5), exp: at(5), features: { high_availability: 1 } }),
    base(8, { iat: at(-3), features: { managed_agent_limit: 1200 } }),
    base(9, { features: { managed_agent_limit_soft: 900, managed_agent_limit_hard: 1100 } }),
    base(10, { features: { ai_governance_user_limit: 50 }, addons: ['ai_governance'] }),
  ];
}

const USAGE = { activeUsers: 950, activeAiSeats: 46, managedAgents: 1100, replicas: 2, externalAuthProviders: 2 };
const ENABLEMENTS = {
  audit_log: true, connection_log: true, template_rbac: true, external_provisioner_daemons: true,
  advanced_template_scheduling: true, workspace_proxy: true, user_role_management: true, access_control: true,
  control_shared_ports: true, workspace_external_agent: true, aibridge: true,
};

async function main() {
  if (!existsSync(COMPUTE)) {
    console.error(`${path.relative(ROOT, COMPUTE)} is missing: run \`npm run build\` first.`);
    process.exit(1);
  }
  const { computeEntitlements } = await import(pathToFileURL(COMPUTE).href);
  const iterations = positiveInt('BENCH_ITERATIONS', 100_000);
  const warmup = positiveInt('BENCH_WARMUP', 5_000);

  const now = new Date();
  const input = licenses(now);

  // Sanity: measure the real computation, not an early exit.
  const sample = computeEntitlements(input, USAGE, now, ENABLEMENTS);
  if (!sample.has_license || sample.features.user_limit.limit !== 1000 || sample.features.managed_agent_limit.limit !== 1200) {
    throw new Error(`unexpected entitlements: ${JSON.stringify(sample)}`);
  }

  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += computeEntitlements(input, USAGE, now, ENABLEMENTS).warnings.length;

  const samples = new Float64Array(iterations);
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    sink += computeEntitlements(input, USAGE, now, ENABLEMENTS).warnings.length;
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalUs = Number(process.hrtime.bigint() - started) / 1000;
  if (sink === 0) throw new Error('no warnings computed: the benchmark input is wrong');

  samples.sort();
  const pct = (p) => samples[Math.min(iterations - 1, Math.ceil((p / 100) * iterations) - 1)];
  const mean = samples.reduce((a, b) => a + b, 0) / iterations;
  const r = {
    mean,
    p50: pct(50),
    p99: pct(99),
    max: samples[iterations - 1],
    throughputMean: totalUs / iterations,
  };
  const under = r.p99 < TARGET_US;

  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const commit = git(['rev-parse', '--short', 'HEAD']) ?? 'unknown';
  const dirty = (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
  const cpu = `${os.cpus().length} × ${os.cpus()[0]?.model?.trim() ?? 'unknown CPU'}`;
  const us = (n) => n.toFixed(1);

  const md = [
    `# computeEntitlements micro-benchmark ${startedAt.toISOString()}`,
    '',
    `Commit \`${commit}\`${dirty ? ' (working tree dirty)' : ''}; Node ${process.version}; ${cpu}; 1-minute load average ${os.loadavg()[0].toFixed(2)}.`,
    `${input.length} licenses (premium, enterprise, legacy all_features, à la carte, grace, future term, trial, usage period,`,
    `legacy soft/hard, AI Governance add-on); ${warmup.toLocaleString('en-US')} warm-up calls, then ${iterations.toLocaleString('en-US')} calls timed one by one.`,
    '',
    '| µs per call | mean | p50 | p99 | max | mean from total time |',
    '|---|--:|--:|--:|--:|--:|',
    `| computeEntitlements | ${us(r.mean)} | ${us(r.p50)} | ${us(r.p99)} | ${us(r.max)} | ${us(r.throughputMean)} |`,
    '',
    `p99 under 1 ms (${TARGET_US} µs): **${under ? 'yes' : 'NO'}**`,
    '',
  ].join('\n');

  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `entitlements-${stamp}.md`);
  await writeFile(file, md);
  console.log(md);
  console.log(`wrote ${path.relative(ROOT, file)}`);
  if (!under) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
