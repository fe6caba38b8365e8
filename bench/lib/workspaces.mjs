// The workspace measurements: a template for the run, 10,000 workspaces seeded with SQL for the list
// scenario, and build throughput end to end through the API and the built-in provisioner daemons.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { percentile } from './latency.mjs';

/** What every benchmark workspace is made of: one container with one agent and one app. */
const DOC = {
  resources: [
    {
      name: 'dev',
      type: 'docker_container',
      metadata: [{ key: 'image', value: 'codercom/enterprise-base' }],
      agents: [{ name: 'main', apps: [{ slug: 'code', url: 'http://localhost:8080' }] }],
    },
  ],
};

/** A template named `bench` whose version imported DOC; answers `{ templateId, versionId }`. */
export async function benchTemplate(root, api, base, token) {
  const { writeTar } = await import(pathToFileURL(path.join(root, 'dist/libs/provisioner/src/tar.js')).href);
  const tar = Buffer.from(writeTar([{ name: 'main.coder.json', type: 'file', data: Buffer.from(JSON.stringify(DOC)) }]));
  const upload = await fetch(`${base}/api/v2/files`, { method: 'POST', headers: { 'Coder-Session-Token': token, 'content-type': 'application/x-tar' }, body: tar });
  if (upload.status !== 201) throw new Error(`POST /files: ${upload.status} ${await upload.text()}`);
  const fileId = (await upload.json()).hash;
  const org = (await api(base, 'GET', '/api/v2/organizations/coder', { token })).json.id;
  const version = await api(base, 'POST', `/api/v2/organizations/${org}/templateversions`, { token, body: { storage_method: 'file', file_id: fileId, provisioner: 'terraform' } });
  if (version.status !== 201) throw new Error(`POST templateversions: ${version.status} ${version.text}`);
  await fetch(`${base}/api/v2/templateversions/${version.json.id}/logs?follow=true`, { headers: { 'Coder-Session-Token': token } }).then((r) => r.text());
  const template = await api(base, 'POST', `/api/v2/organizations/${org}/templates`, { token, body: { name: 'bench', template_version_id: version.json.id } });
  if (template.status !== 201) throw new Error(`POST templates: ${template.status} ${template.text}`);
  return { templateId: template.json.id, versionId: version.json.id };
}

/**
 * `count` running workspaces owned round-robin by the seeded users, each with one succeeded start
 * build of the bench version, its resource, metadata and agent, as the provisioner would have left
 * them. Straight SQL: building 10,000 through the API is the throughput measurement's job.
 */
export async function seedWorkspaces(db, templateId, versionId, count) {
  await db.query('BEGIN');
  try {
    const v = (await db.query(`SELECT j.file_id, j.organization_id FROM template_versions v JOIN provisioner_jobs j ON j.id = v.job_id WHERE v.id = $1`, [versionId])).rows[0];
    await db.query(
      `CREATE TEMP TABLE seed ON COMMIT DROP AS
       SELECT i, gen_random_uuid() AS ws, gen_random_uuid() AS job, gen_random_uuid() AS build, gen_random_uuid() AS resource,
         (SELECT id FROM users WHERE username = 'bench-user-' || (1 + (i - 1) % (SELECT count(*) FROM users WHERE username LIKE 'bench-user-%'))) AS owner
       FROM generate_series(1, $1::int) AS i`,
      [count],
    );
    await db.query(
      `INSERT INTO workspaces (id, owner_id, organization_id, template_id, name, last_used_at)
       SELECT ws, owner, $1, $2, 'ws-' || i, now() FROM seed`,
      [v.organization_id, templateId],
    );
    await db.query(
      `INSERT INTO provisioner_jobs (id, created_at, updated_at, started_at, completed_at, organization_id, initiator_id, provisioner, storage_method, type, input, file_id, tags)
       SELECT job, now(), now(), now(), now(), $1, owner, 'terraform', 'file', 'workspace_build', jsonb_build_object('workspace_build_id', build), $2,
         '{"scope":"organization","owner":""}' FROM seed`,
      [v.organization_id, v.file_id],
    );
    await db.query(
      `INSERT INTO workspace_builds (id, workspace_id, template_version_id, build_number, transition, initiator_id, job_id)
       SELECT build, ws, $1, 1, 'start', owner, job FROM seed`,
      [versionId],
    );
    // Jobs inserted already completed never change status, so the trigger that keeps the list's
    // "running" sort key does not fire for them: set it as a completed start would have.
    await db.query(`UPDATE workspaces SET latest_build_up = true WHERE id IN (SELECT ws FROM seed)`);
    await db.query(`INSERT INTO workspace_resources (id, job_id, transition, type, name) SELECT resource, job, 'start', 'docker_container', 'dev' FROM seed`);
    await db.query(`INSERT INTO workspace_resource_metadata (workspace_resource_id, key, value) SELECT resource, 'image', 'codercom/enterprise-base' FROM seed`);
    await db.query(`INSERT INTO workspace_agents (id, name, resource_id, hashed_auth_token, architecture, operating_system) SELECT gen_random_uuid(), 'main', resource, sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'amd64', 'linux' FROM seed`);
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  for (const t of ['workspaces', 'provisioner_jobs', 'workspace_builds', 'workspace_resources', 'workspace_resource_metadata', 'workspace_agents']) await db.query(`VACUUM ANALYZE ${t}`);
  return count;
}

/** Waits (bounded) until every job has completed; answers the rows with their timestamps in ms. */
async function completed(db, jobIds, withinMs = 120_000) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const { rows } = await db.query(
      `SELECT id, job_status, extract(epoch FROM created_at) * 1000 AS created, extract(epoch FROM started_at) * 1000 AS started,
         extract(epoch FROM completed_at) * 1000 AS completed
       FROM provisioner_jobs WHERE id = ANY($1::uuid[])`,
      [jobIds],
    );
    if (rows.every((r) => r.completed !== null)) return rows.map((r) => ({ ...r, created: Number(r.created), started: Number(r.started), completed: Number(r.completed) }));
    if (Date.now() > deadline) throw new Error(`${rows.filter((r) => r.completed === null).length} of ${jobIds.length} build jobs had not completed after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function createWorkspace(api, base, token, templateId, name) {
  const res = await api(base, 'POST', '/api/v2/users/me/workspaces', { token, body: { name, template_id: templateId } });
  if (res.status !== 201) throw new Error(`POST /users/me/workspaces (${name}): ${res.status} ${res.text.slice(0, 300)}`);
  return res.json.latest_build.job.id;
}

/**
 * Build throughput: `count` workspaces created by `concurrency` clients at once, from the first POST
 * to the last job's completion (201 to running). Then acquisition: `sequential` builds one at a
 * time, so no job waits for a busy daemon, and the time from the job's insert to a daemon taking it.
 */
export async function measureBuilds(api, base, token, templateId, db, { count = 200, concurrency = 20, sequential = 50 } = {}) {
  let next = 0;
  const jobIds = [];
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        jobIds.push(await createWorkspace(api, base, token, templateId, `tput-${i}`));
      }
    }),
  );
  const rows = await completed(db, jobIds);
  const failed = rows.filter((r) => r.job_status !== 'succeeded').length;
  const end = Math.max(...rows.map((r) => r.completed));
  const seconds = (end - t0) / 1000;

  const waits = [];
  const buildMs = [];
  for (let i = 0; i < sequential; i++) {
    const jobId = await createWorkspace(api, base, token, templateId, `acq-${i}`);
    const [r] = await completed(db, [jobId]);
    waits.push(r.started - r.created);
    buildMs.push(r.completed - r.created);
  }
  waits.sort((a, b) => a - b);
  buildMs.sort((a, b) => a - b);
  return {
    count,
    concurrency,
    failed,
    seconds,
    buildsPerSec: count / seconds,
    acquisition: { builds: sequential, p50Ms: percentile(waits, 50), p99Ms: percentile(waits, 99), buildP50Ms: percentile(buildMs, 50) },
  };
}
