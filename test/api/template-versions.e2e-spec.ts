import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { zipSync } from 'fflate';
import { writeTar } from '#provisioner/tar.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../support/fixtures.js';
import { createVersion, templateTar, uploadFile, waitForImport } from '../support/templates.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const DOC = {
  readme: '# Demo',
  parameters: [
    { name: 'cpu', type: 'number', default: 2, mutable: true, validation: { min: 1, max: 8 }, options: [] },
    { name: 'region', display_name: 'Region', type: 'string', options: [{ name: 'EU', value: 'eu' }, { name: 'US', value: 'us' }] },
  ],
  resources: [
    { name: 'dev', type: 'docker_container', agents: [{ name: 'main', apps: [{ slug: 'code-server', url: 'http://localhost:8080' }] }] },
    { name: 'home', type: 'docker_volume', transitions: ['start', 'stop'] },
  ],
  outcomes: { import: { parse: { logs: ['parsing the template'] } } },
};

describe('files and template versions (import jobs on the built-in daemons)', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createFirstUser(server);
    member = await createUser(server, owner);
  });
  afterAll(() => server.close());

  describe('POST /files', () => {
    it('stores a tar once per uploader: 201 new, 200 with the same id for the same bytes', async () => {
      const tar = templateTar({ readme: 'files-dup' });
      const first = await api(server, owner.token).post('/api/v2/files').set('Content-Type', 'application/x-tar').send(tar);
      expect(first.status).toBe(201);
      expect(first.body.hash).toMatch(/^[0-9a-f-]{36}$/);
      const again = await api(server, owner.token).post('/api/v2/files').set('Content-Type', 'application/x-tar').send(tar);
      expect(again.status).toBe(200);
      expect(again.body.hash).toBe(first.body.hash);
      const byOther = await api(server, member.token).post('/api/v2/files').set('Content-Type', 'application/x-tar').send(tar);
      expect(byOther.status).toBe(201);
      expect(byOther.body.hash).not.toBe(first.body.hash);
    });

    it('stores a zip as the equivalent tar, which GET /files/{id} answers', async () => {
      const zip = zipSync({ 'main.coder.json': new TextEncoder().encode('{"readme":"from zip"}') });
      const id = await uploadFile(server, owner.token, Buffer.from(zip), 'application/zip');
      const res = await api(server, owner.token).get(`/api/v2/files/${id}`).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('application/x-tar');
      const body = res.body as Buffer;
      expect(body.subarray(257, 262).toString()).toBe('ustar');
      expect(body.toString('latin1')).toContain('{"readme":"from zip"}');
    });

    it('refuses bodies that are not archives with a 400 naming the problem', async () => {
      const bad = await api(server, owner.token).post('/api/v2/files').set('Content-Type', 'application/x-tar').send(Buffer.from('x'.repeat(1024)));
      expect(bad.status).toBe(400);
      expect(bad.body.message).toBe('The file is not a valid archive.');
      const badZip = await api(server, owner.token).post('/api/v2/files').set('Content-Type', 'application/zip').send(Buffer.from('PK not really'));
      expect(badZip.status).toBe(400);
      const wrongType = await api(server, owner.token).post('/api/v2/files').set('Content-Type', 'text/plain').send('hello');
      expect(wrongType.status).toBeGreaterThanOrEqual(400);
      expect(wrongType.status).toBeLessThan(500);
    });

    it('a file is readable by its uploader, not by another member (404)', async () => {
      const id = await uploadFile(server, owner.token, templateTar({ readme: 'private' }));
      expect((await api(server, member.token).get(`/api/v2/files/${id}`)).status).toBe(404);
      expect((await api(server, owner.token).get('/api/v2/files/not-a-uuid')).status).toBe(404);
    });
  });

  describe('template version import', () => {
    it('creates the version (201) with a pending import job that a built-in daemon runs to success', async () => {
      const v = await createVersion(server, owner.token, owner.orgId, DOC, { name: 'v1', message: 'first' });
      expect(v).toMatchObject({ name: 'v1', message: 'first', organization_id: owner.orgId, archived: false });
      expect(v.job).toMatchObject({ type: 'template_version_import', input: { template_version_id: v.id } });
      expect(['pending', 'running', 'succeeded']).toContain(v.job.status);
      const done = await waitForImport(server, owner.token, v.id);
      expect(done.job.status).toBe('succeeded');
      expect(done.job.worker_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(done.readme).toBe('# Demo');
    });

    it('stores its logs, readable as JSON, as text and after a log id', async () => {
      const v = await createVersion(server, owner.token, owner.orgId, DOC);
      await waitForImport(server, owner.token, v.id);
      const logs = await api(server, owner.token).get(`/api/v2/templateversions/${v.id}/logs`);
      expect(logs.status).toBe(200);
      expect(logs.body.map((l: { output: string }) => l.output)).toContain('parsing the template');
      for (const l of logs.body) expect(Object.keys(l).sort()).toEqual(['created_at', 'id', 'log_level', 'log_source', 'output', 'stage']);
      const after = await api(server, owner.token).get(`/api/v2/templateversions/${v.id}/logs?after=${logs.body[0].id}`);
      expect(after.body).toHaveLength(logs.body.length - 1);
      const text = await api(server, owner.token).get(`/api/v2/templateversions/${v.id}/logs?format=text`);
      expect(text.headers['content-type']).toContain('text/plain');
      expect(text.text).toContain('parsing the template');
      expect((await api(server, owner.token).get(`/api/v2/templateversions/${v.id}/logs?after=x`)).status).toBe(400);
      expect((await api(server, owner.token).get(`/api/v2/templateversions/${v.id}/logs?format=xml`)).status).toBe(400);
    });

    it('answers the rich parameters the document declares, with their validation', async () => {
      const v = await createVersion(server, owner.token, owner.orgId, DOC);
      await waitForImport(server, owner.token, v.id);
      const res = await api(server, owner.token).get(`/api/v2/templateversions/${v.id}/rich-parameters`);
      expect(res.status).toBe(200);
      expect(res.body.map((p: { name: string }) => p.name).sort()).toEqual(['cpu', 'region']);
      const cpu = res.body.find((p: { name: string }) => p.name === 'cpu');
      expect(cpu).toMatchObject({ type: 'number', default_value: '2', mutable: true, required: false, validation_min: 1, validation_max: 8 });
      const region = res.body.find((p: { name: string }) => p.name === 'region');
      expect(region).toMatchObject({ required: true, display_name: 'Region' });
      expect(region.options.map((o: { value: string }) => o.value)).toEqual(['eu', 'us']);
    });

    it('answers the resources the template creates on start and on stop, with agents, apps and metadata', async () => {
      const v = await createVersion(server, owner.token, owner.orgId, {
        ...DOC,
        resources: [
          { ...DOC.resources[0], metadata: [{ key: 'image', value: 'ubuntu' }, { key: 'secret', value: 'hunter2', sensitive: true }] },
          DOC.resources[1],
        ],
      });
      await waitForImport(server, owner.token, v.id);
      const res = await api(server, owner.token).get(`/api/v2/templateversions/${v.id}/resources`);
      expect(res.status).toBe(200);
      const summary = res.body.map((r: { workspace_transition: string; name: string }) => `${r.workspace_transition}:${r.name}`).sort();
      expect(summary).toEqual(['start:dev', 'start:home', 'stop:home']);
      const dev = res.body.find((r: { name: string }) => r.name === 'dev');
      expect(dev.job_id).toBe(v.job.id);
      expect(dev.metadata).toEqual([{ key: 'image', value: 'ubuntu', sensitive: false }, { key: 'secret', value: '', sensitive: true }]);
      expect(dev.agents).toHaveLength(1);
      expect(dev.agents[0]).toMatchObject({ name: 'main', status: 'connecting', lifecycle_state: 'created', operating_system: 'linux', architecture: 'amd64' });
      expect(dev.agents[0].apps[0]).toMatchObject({ slug: 'code-server', url: 'http://localhost:8080', health: 'disabled', sharing_level: 'owner' });
      expect(JSON.stringify(res.body)).not.toContain('auth_token');
    });

    it('fails the import with the document error that names the field', async () => {
      const v = await createVersion(server, owner.token, owner.orgId, { parameters: [{ name: 'bad name!' }] });
      const done = await waitForImport(server, owner.token, v.id);
      expect(done.job.status).toBe('failed');
      expect(done.job.error).toContain('main.coder.json.parameters[0].name');
    });

    it('fails the import of an archive without a template document, saying what the provisioner reads', async () => {
      const terraformOnly = writeTar([{ name: 'main.tf', type: 'file', data: new TextEncoder().encode('resource "null_resource" "x" {}') }]);
      const fileId = await uploadFile(server, owner.token, Buffer.from(terraformOnly));
      const res = await api(server, owner.token)
        .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
        .send({ storage_method: 'file', file_id: fileId, provisioner: 'terraform' });
      expect(res.status).toBe(201);
      const done = await waitForImport(server, owner.token, res.body.id);
      expect(done.job.status).toBe('failed');
      expect(done.job.error).toContain('main.coder.json');
    });

    it('a hanging import is cancelled: running -> canceling -> canceled, and a second cancel is 400', async () => {
      const v = await createVersion(server, owner.token, owner.orgId, { outcomes: { import: { parse: { hang: true } } } });
      // The job runs once its first log line (the daemon reading the document) is stored.
      await waitForLogs(v.id);
      const cancel = await api(server, owner.token).patch(`/api/v2/templateversions/${v.id}/cancel`);
      expect(cancel.status).toBe(200);
      expect(cancel.body.message).toBeTruthy();
      const done = await waitForImport(server, owner.token, v.id);
      expect(done.job.status).toBe('canceled');
      expect((await api(server, owner.token).patch(`/api/v2/templateversions/${v.id}/cancel`)).status).toBe(400);
    });

    it('validates the request field by field', async () => {
      const res = await api(server, owner.token)
        .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
        .send({ storage_method: 's3', provisioner: 'ansible', file_id: 'nope' });
      expect(res.status).toBe(400);
      const fields = res.body.validations.map((v: { field: string }) => v.field).sort();
      expect(fields).toEqual(['file_id', 'provisioner', 'storage_method']);
      const unknownFile = await api(server, owner.token)
        .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
        .send({ storage_method: 'file', provisioner: 'echo', file_id: '00000000-0000-4000-8000-000000000000' });
      expect(unknownFile.status).toBe(400);
    });

    it('a member may not create template versions (403) nor read them (404)', async () => {
      const fileId = await uploadFile(server, member.token, templateTar(DOC));
      const res = await api(server, member.token)
        .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
        .send({ storage_method: 'file', file_id: fileId, provisioner: 'echo' });
      expect(res.status).toBe(403);
      const v = await createVersion(server, owner.token, owner.orgId, DOC);
      expect((await api(server, member.token).get(`/api/v2/templateversions/${v.id}`)).status).toBe(404);
    });
  });

  async function waitForLogs(versionId: string): Promise<void> {
    // The follow stream sends existing lines first; reading its first event is enough.
    await new Promise<void>((resolve, reject) => {
      const req = api(server, owner.token).get(`/api/v2/templateversions/${versionId}/logs?follow=true`);
      req.buffer(false).parse((r, cb) => {
        r.on('data', () => {
          resolve();
          (r as unknown as { destroy(): void }).destroy();
        });
        r.on('error', () => cb(null, null));
        r.on('end', () => cb(null, null));
      });
      req.then(() => resolve(), () => resolve()).catch(reject);
    });
  }
});
