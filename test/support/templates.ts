import { writeTar } from '#provisioner/tar.js';
import { api } from './fixtures.js';
import type { TestServer } from './test-server.js';

/** A tar archive holding a template document (and any extra files). */
export function templateTar(doc: unknown, extra: Record<string, string> = {}): Buffer {
  const enc = new TextEncoder();
  const files = { 'main.coder.json': JSON.stringify(doc), ...extra };
  return Buffer.from(writeTar(Object.entries(files).map(([name, text]) => ({ name, type: 'file' as const, data: enc.encode(text) }))));
}

export async function uploadFile(server: TestServer, token: string, body: Buffer, type = 'application/x-tar'): Promise<string> {
  const res = await api(server, token).post('/api/v2/files').set('Content-Type', type).send(body);
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.hash;
}

/** Uploads the document and creates a version from it; answers the version (its import job just posted). */
export async function createVersion(server: TestServer, token: string, orgId: string, doc: unknown, extra: Record<string, unknown> = {}) {
  const fileId = await uploadFile(server, token, templateTar(doc));
  const res = await api(server, token)
    .post(`/api/v2/organizations/${orgId}/templateversions`)
    .send({ storage_method: 'file', file_id: fileId, provisioner: 'echo', ...extra });
  if (res.status !== 201) throw new Error(`create version failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; job: { id: string; status: string } };
}

/** Waits for the version's import job to end by following its logs (the stream closes with the job). */
export async function waitForImport(server: TestServer, token: string, versionId: string) {
  await api(server, token).get(`/api/v2/templateversions/${versionId}/logs?follow=true`);
  const res = await api(server, token).get(`/api/v2/templateversions/${versionId}`);
  return res.body as { id: string; readme: string; job: { status: string; error?: string; worker_id?: string; worker_name?: string } };
}

/** A template (named `name`) whose active version imported `doc`. */
export async function createTemplate(server: TestServer, token: string, orgId: string, name: string, doc: unknown, extra: Record<string, unknown> = {}) {
  const v = await createVersion(server, token, orgId, doc);
  const imported = await waitForImport(server, token, v.id);
  if (imported.job.status !== 'succeeded') throw new Error(`import failed: ${imported.job.error}`);
  const res = await api(server, token).post(`/api/v2/organizations/${orgId}/templates`).send({ name, template_version_id: v.id, ...extra });
  if (res.status !== 201) throw new Error(`create template failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; active_version_id: string };
}

/** Waits for a workspace build's job to end by following its logs; answers the build. */
export async function waitForBuild(server: TestServer, token: string, buildId: string) {
  await api(server, token).get(`/api/v2/workspacebuilds/${buildId}/logs?follow=true`);
  const res = await api(server, token).get(`/api/v2/workspacebuilds/${buildId}`);
  return res.body as { id: string; status: string; build_number: number; transition: string; reason: string; job: { status: string; error?: string }; resources: Array<{ name: string; agents?: Array<{ name: string }> }> };
}
