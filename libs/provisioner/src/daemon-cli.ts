#!/usr/bin/env node
// An external provisioner daemon: `npm run provisioner -- --key <provisioner key>`. It registers with
// coderd over HTTP, then runs jobs with the same JobRunner and provisioner as the built-in daemons,
// printing one line per job, until SIGINT/SIGTERM (a job in progress is cancelled and reported).
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { HttpDaemonApi } from './http-daemon-api.js';
import { JsonProvisioner } from './json-provisioner.js';
import { DAEMON_API_VERSION, DAEMON_VERSION, PROVISIONER_TYPES, type ProvisionerType } from './protocol.js';
import { JobRunner } from './runner.js';

const USAGE = `Usage: npm run provisioner -- --key <provisioner key> [--url http://127.0.0.1:3000] [--name <name>] [--provisioner terraform,echo]

  --key           A provisioner key (POST /api/v2/organizations/{org}/provisionerkeys); or CODER_PROVISIONER_DAEMON_KEY.
  --url           coderd's URL; or CODER_URL. Default http://127.0.0.1:3000.
  --name          The daemon's name in GET /organizations/{org}/provisionerdaemons. Default: the host name.
  --provisioner   Provisioner types to serve (comma-separated). Default: terraform,echo.
  --heartbeat     Seconds between heartbeats of a running job (also how soon a cancel is noticed). Default 2.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      key: { type: 'string' },
      url: { type: 'string' },
      name: { type: 'string' },
      provisioner: { type: 'string' },
      heartbeat: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const key = values.key ?? process.env.CODER_PROVISIONER_DAEMON_KEY;
  if (!key) fail('A provisioner key is required.');
  const url = values.url ?? process.env.CODER_URL ?? 'http://127.0.0.1:3000';
  const provisioners = (values.provisioner ?? 'terraform,echo').split(',').map((p) => p.trim());
  const unknown = provisioners.filter((p) => !(PROVISIONER_TYPES as readonly string[]).includes(p));
  if (unknown.length) fail(`Unknown provisioner type(s): ${unknown.join(', ')}.`);
  const heartbeatS = Number(values.heartbeat ?? '2');
  if (!Number.isFinite(heartbeatS) || heartbeatS <= 0) fail('--heartbeat must be a positive number of seconds.');

  const api = await HttpDaemonApi.register(url, key, {
    name: values.name ?? hostname(),
    provisioners: provisioners as ProvisionerType[],
    tags: {},
    api_version: DAEMON_API_VERSION,
    version: DAEMON_VERSION,
  });
  const tags = Object.keys(api.daemon.tags)
    .sort()
    .map((k) => `${k}=${api.daemon.tags[k]}`)
    .join(' ');
  console.log(`provisioner daemon "${api.daemon.name}" (${api.daemon.id}) registered with ${url}; tags: ${tags || 'none'}; waiting for jobs`);

  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`${signal}: stopping (a job in progress is cancelled and reported)`);
      stop.abort();
    });
  }
  const started = new Map<string, number>();
  const runner = new JobRunner(api, new JsonProvisioner(), {
    heartbeatMs: heartbeatS * 1000,
    onJobStart: (job) => {
      started.set(job.job_id, Date.now());
      const what = job.workspace_build ? `${job.workspace_build.transition} of workspace "${job.workspace_build.workspace_name}"` : 'template import';
      console.log(`job ${job.job_id}: ${what} started`);
    },
    onJobDone: (job, outcome, error) => {
      const ms = Date.now() - (started.get(job.job_id) ?? Date.now());
      started.delete(job.job_id);
      console.log(`job ${job.job_id}: ${outcome} in ${ms} ms${error && outcome !== 'canceled' ? `: ${error}` : ''}`);
    },
    onError: (err) => console.error(`daemon error (retrying): ${(err as Error)?.message ?? String(err)}`),
  });
  await runner.serve(stop.signal);
}

main().catch((err: unknown) => {
  console.error(`provisioner daemon failed: ${(err as Error)?.message ?? String(err)}`);
  process.exit(1);
});
