// Provisioner keys (enterprise, feature external_provisioner_daemons) and the external daemons that
// authenticate with them over HTTP: key CRUD with Coder's messages, the key's own endpoint, the
// license gate, and a daemon with a key's tags taking the tagged jobs the built-in daemons cannot,
// first in-process (the same HttpDaemonApi and JobRunner the CLI runs), then as the real CLI process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { featureDisplayName } from '#entitlements/features.js';
import { HttpDaemonApi } from '#provisioner/http-daemon-api.js';
import { JsonProvisioner } from '#provisioner/json-provisioner.js';
import { DAEMON_API_VERSION, type DaemonRegistration } from '#provisioner/protocol.js';
import { JobRunner } from '#provisioner/runner.js';
import { ensureBuilt, ROOT } from '../../support/built-server.js';
import { api, createFirstUser, createUser, type FirstUser, type TestUser } from '../../support/fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from '../../support/licenses.js';
import { until } from '../../support/poll.js';
import { createVersion, waitForBuild, waitForImport } from '../../support/templates.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const HEADER = 'Coder-Provisioner-Daemon-Key';
const PREMIUM = `${featureDisplayName('external_provisioner_daemons')} is a Premium feature. Contact sales!`;
const KEY_RE = /^[A-Za-z0-9]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOC = { resources: [{ name: 'dev', type: 'null_resource', agents: [{ name: 'main' }] }] };
const HANGS = { resources: [{ name: 'dev', type: 'null_resource' }], outcomes: { start: { apply: { hang: true } } } };
const sha256 = (s: string) => createHash('sha256').update(s).digest();
const registration = (name: string, extra: Partial<DaemonRegistration> = {}): DaemonRegistration => ({
  name,
  provisioners: ['echo', 'terraform'],
  tags: {},
  api_version: DAEMON_API_VERSION,
  ...extra,
});

describe('provisioner keys and external daemons', () => {
  let server: TestServer;
  let owner: FirstUser;
  let member: TestUser;
  let templateAdmin: TestUser;
  const keysPath = () => `/api/v2/organizations/${owner.orgId}/provisionerkeys`;
  const as = (u: TestUser | FirstUser) => api(server, u.token);
  const daemonCall = (key: string | undefined, method: 'get' | 'post', p: string) => {
    const req = method === 'get' ? api(server).get(p) : api(server).post(p);
    return key === undefined ? req : req.set(HEADER, key);
  };
  async function createKey(name: string, tags?: Record<string, string>): Promise<string> {
    const res = await as(owner).post(keysPath()).send({ name, tags });
    if (res.status !== 201) throw new Error(`create key failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.key;
  }

  beforeAll(async () => {
    // A short heartbeat timeout, so that the job of a killed daemon fails within the spec.
    server = await startTestServer({ env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), CODER_PROVISIONER_JOB_HEARTBEAT_TIMEOUT: '3s' } });
    owner = await createFirstUser(server);
    member = await createUser(server, owner, { username: 'member' });
    templateAdmin = await createUser(server, owner, { username: 'tadmin', siteRoles: ['template-admin'] });
  });
  afterAll(() => server?.close());

  describe('without a license', () => {
    it('answers 403 naming the feature on every route, the daemon protocol included', async () => {
      const calls = [
        as(owner).post(keysPath()).send({ name: 'k' }),
        as(owner).get(keysPath()),
        as(owner).get(`${keysPath()}/daemons`),
        as(owner).delete(`${keysPath()}/k`),
        daemonCall('x'.repeat(43), 'get', `/api/v2/provisionerkeys/${'x'.repeat(43)}`),
        daemonCall('x'.repeat(43), 'post', '/api/v2/provisionerdaemons/register').send(registration('d')),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(403);
        expect(res.body.message).toBe(PREMIUM);
      }
    });
  });

  describe('licensed', () => {
    beforeAll(async () => {
      const res = await uploadLicense(server, owner.token, await validLicense({ external_provisioner_daemons: 1 }));
      if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    });

    it('creates a key shown once (43 characters, stored as sha256) and lists it without the reserved keys', async () => {
      const res = await as(owner).post(keysPath()).send({ name: 'eu-west', tags: { region: 'eu' } });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body)).toEqual(['key']);
      expect(res.body.key).toMatch(KEY_RE);
      const rows = await server.sql<{ hashed_secret: Buffer }>(`SELECT hashed_secret FROM provisioner_keys WHERE name = 'eu-west'`);
      expect(rows).toHaveLength(1);
      expect(rows[0].hashed_secret.equals(sha256(res.body.key))).toBe(true);
      expect(rows[0].hashed_secret.includes(Buffer.from(res.body.key))).toBe(false);

      const list = await as(owner).get(keysPath());
      expect(list.status).toBe(200);
      const listed = list.body as Array<Record<string, unknown>>;
      expect(listed.map((k) => k.name)).toEqual(['eu-west']);
      expect(listed[0]).toEqual({ id: expect.stringMatching(UUID), created_at: expect.any(String), organization: owner.orgId, name: 'eu-west', tags: { region: 'eu' } });
    });

    it('answers the key its own details to the key header only', async () => {
      const key = await createKey('self-check', { a: 'b' });
      const ok = await daemonCall(key, 'get', `/api/v2/provisionerkeys/${key}`);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ name: 'self-check', organization: owner.orgId, tags: { a: 'b' } });
      expect(ok.body).not.toHaveProperty('hashed_secret');

      const none = await daemonCall(undefined, 'get', `/api/v2/provisionerkeys/${key}`);
      expect(none.status).toBe(401);
      expect(none.body.message).toBe('provisioner daemon key required');
      // A session token is not a provisioner key.
      const session = await as(owner).get(`/api/v2/provisionerkeys/${key}`);
      expect(session.status).toBe(401);
      for (const wrong of [key.slice(0, 42), `${key.slice(0, 42)}${key.at(-1) === 'a' ? 'b' : 'a'}`]) {
        const res = await daemonCall(wrong, 'get', `/api/v2/provisionerkeys/${wrong}`);
        expect(res.status).toBe(401);
        expect(res.body.message).toBe('provisioner daemon key invalid');
      }
    });

    it("refuses bad names and tags with Coder's messages, one validation each", async () => {
      const cases: Array<[unknown, number, string, string]> = [
        [{}, 400, 'Name is required', 'name'],
        [{ name: '' }, 400, 'Name is required', 'name'],
        [{ name: 'x'.repeat(65) }, 400, 'Name must be at most 64 characters', 'name'],
        [{ name: 'Built-In' }, 400, "Name cannot be reserved name 'Built-In'", 'name'],
        [{ name: 'psk' }, 400, "Name cannot be reserved name 'psk'", 'name'],
        [{ name: 'user-auth' }, 400, "Name cannot be reserved name 'user-auth'", 'name'],
        [{ name: 7 }, 400, 'Name must be a string', 'name'],
        [{ name: 'tags-list', tags: ['a'] }, 400, 'Invalid tags.', 'tags'],
        [{ name: 'tags-num', tags: { a: 'ok', n: 1 } }, 400, 'Invalid tags.', 'tags.n'],
      ];
      for (const [body, status, message, field] of cases) {
        const res = await as(owner).post(keysPath()).send(body as object);
        expect({ body, status: res.status, message: res.body.message }).toEqual({ body, status, message });
        expect(res.body.validations).toEqual([{ field, detail: expect.any(String) }]);
      }
      expect((await server.sql(`SELECT 1 FROM provisioner_keys WHERE name LIKE 'tags-%'`)).length).toBe(0);
    });

    it('answers 409 for a name taken in any case, also when created concurrently', async () => {
      await createKey('dup-key');
      const again = await as(owner).post(keysPath()).send({ name: 'DUP-key' });
      expect(again.status).toBe(409);
      expect(again.body.message).toBe("Provisioner key with name 'DUP-key' already exists in organization");
      const racing = await Promise.all(Array.from({ length: 5 }, () => as(owner).post(keysPath()).send({ name: 'race-key' })));
      expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    });

    it('lets template admins manage keys; members read them but may not create or delete', async () => {
      const created = await as(templateAdmin).post(keysPath()).send({ name: 'by-tadmin' });
      expect(created.status).toBe(201);
      const denied = await as(member).post(keysPath()).send({ name: 'by-member' });
      expect(denied.status).toBe(403);
      expect(denied.body.detail).toBe('You are not allowed to create provisioner keys.');
      expect((await as(member).get(keysPath())).status).toBe(200);
      expect((await as(member).delete(`${keysPath()}/by-tadmin`)).status).toBe(403);
      expect((await as(templateAdmin).delete(`${keysPath()}/by-tadmin`)).status).toBe(204);
      expect((await as(owner).get('/api/v2/organizations/no-such-org/provisionerkeys')).status).toBe(404);
    });

    it('deletes by name (any case); reserved names are 400, unknown ones 404, and a deleted key stops working', async () => {
      const key = await createKey('short-lived');
      const reserved = await as(owner).delete(`${keysPath()}/built-in`);
      expect(reserved.status).toBe(400);
      expect(reserved.body.message).toBe("Cannot delete reserved 'built-in' provisioner key");
      expect((await as(owner).delete(`${keysPath()}/nope`)).status).toBe(404);
      const daemon = await HttpDaemonApi.register(server.url, key, registration('doomed'));
      expect((await server.sql(`SELECT 1 FROM provisioner_daemons WHERE id = $1`, [daemon.daemon.id])).length).toBe(1);

      expect((await as(owner).delete(`${keysPath()}/SHORT-lived`)).status).toBe(204);
      expect((await daemonCall(key, 'get', `/api/v2/provisionerkeys/${key}`)).status).toBe(401);
      // Its daemons went with it; their next message is refused.
      expect((await server.sql(`SELECT 1 FROM provisioner_daemons WHERE id = $1`, [daemon.daemon.id])).length).toBe(0);
      await expect(daemon.acquire(AbortSignal.timeout(5000))).rejects.toMatchObject({ status: 401 });
    });

    describe('the daemon protocol over HTTP', () => {
      let key: string;
      let other: string;
      beforeAll(async () => {
        key = await createKey('protocol', { pool: 'http' });
        other = await createKey('protocol-other');
      });

      it('registers with the key\'s organization and tags, and refuses a daemon that brings its own tags', async () => {
        const d = await HttpDaemonApi.register(server.url, key, registration('reg-1'));
        expect(d.daemon).toEqual({ id: expect.stringMatching(UUID), organization_id: owner.orgId, name: 'reg-1', provisioners: ['echo', 'terraform'], tags: { pool: 'http', scope: 'organization', owner: '' } });
        // Registering again under the same name takes the row over.
        expect((await HttpDaemonApi.register(server.url, key, registration('reg-1'))).daemon.id).toBe(d.daemon.id);

        const tagged = await daemonCall(key, 'post', '/api/v2/provisionerdaemons/register').send(registration('reg-2', { tags: { scope: 'user' } }));
        expect(tagged.status).toBe(403);
        expect(tagged.body).toMatchObject({ message: 'You aren\'t allowed to create provisioner daemons with scope "user"', detail: 'tags are not allowed when using a provisioner key' });
      });

      it('refuses malformed messages with a validation per field, and an incompatible protocol version', async () => {
        const bad = await daemonCall(key, 'post', '/api/v2/provisionerdaemons/register').send({ name: '', provisioners: ['docker'], api_version: 1 });
        expect(bad.status).toBe(400);
        expect(bad.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['api_version', 'name', 'provisioners[0]']);
        for (const [v, status] of [['2.0', 400], ['1.99', 400], ['one', 400], ['1.0', 200]] as const) {
          const res = await daemonCall(key, 'post', '/api/v2/provisionerdaemons/register').send(registration('versioned', { api_version: v }));
          expect({ v, status: res.status }).toEqual({ v, status });
          if (status === 400) expect(res.body).toMatchObject({ message: 'Incompatible or unparsable version', validations: [{ field: 'api_version' }] });
        }

        const d = await HttpDaemonApi.register(server.url, key, registration('validating'));
        const base = `/api/v2/provisionerdaemons/${d.daemon.id}`;
        const update = await daemonCall(key, 'post', `${base}/update`).send({ job_id: 'x', logs: [{ level: 'loud', output: 'a\u0000b' }] });
        expect(update.status).toBe(400);
        expect(update.body.validations.map((v: { field: string }) => v.field)).toEqual(
          expect.arrayContaining(['job_id', 'logs[0].created_at', 'logs[0].source', 'logs[0].level', 'logs[0].stage', 'logs[0].output']),
        );
        const complete = await daemonCall(key, 'post', `${base}/complete`).send({ job_id: '6b8f4a52-8a55-4f0e-9c1e-0b0a5d1f7e11' });
        expect(complete.status).toBe(400);
        expect(complete.body.validations).toEqual([{ field: 'body', detail: 'Exactly one of template_import and workspace_build is required.' }]);
        const waitBad = await daemonCall(key, 'post', `${base}/acquire?wait_ms=soon`).send({});
        expect(waitBad.status).toBe(400);
        expect(waitBad.body.validations).toEqual([{ field: 'wait_ms', detail: expect.any(String) }]);
      });

      it('answers 204 to an acquire that waited for nothing, and 404 for a daemon of another key', async () => {
        const d = await HttpDaemonApi.register(server.url, key, registration('idle'));
        const idle = await daemonCall(key, 'post', `/api/v2/provisionerdaemons/${d.daemon.id}/acquire?wait_ms=0`).send({});
        expect(idle.status).toBe(204);
        const foreign = await daemonCall(other, 'post', `/api/v2/provisionerdaemons/${d.daemon.id}/acquire?wait_ms=0`).send({});
        expect(foreign.status).toBe(404);
        const notUuid = await daemonCall(key, 'post', '/api/v2/provisionerdaemons/not-a-uuid/update').send({ job_id: d.daemon.id, logs: [] });
        expect(notUuid.status).toBe(404);
      });

      it('runs the tagged import and build the built-in daemons cannot take, and is listed under its key', async () => {
        const tagged = await createVersion(server, owner.token, owner.orgId, DOC, { tags: { pool: 'http' } });
        // The built-in daemons lack the tag: the job stays pending while only they serve the queue.
        const pending = await as(owner).get(`/api/v2/organizations/${owner.orgId}/provisionerjobs/${tagged.job.id}`);
        expect(pending.body).toMatchObject({ status: 'pending', tags: { pool: 'http', scope: 'organization', owner: '' } });

        const daemon = await HttpDaemonApi.register(server.url, key, registration('ext-in-process'));
        const stop = new AbortController();
        const serving = new JobRunner(daemon, new JsonProvisioner(), { heartbeatMs: 200 }).serve(stop.signal);
        try {
          const imported = await waitForImport(server, owner.token, tagged.id);
          expect(imported.job).toMatchObject({ status: 'succeeded', worker_id: daemon.daemon.id, worker_name: 'ext-in-process' });

          const template = await as(owner).post(`/api/v2/organizations/${owner.orgId}/templates`).send({ name: 'http-pool', template_version_id: tagged.id });
          expect(template.status).toBe(201);
          const ws = await as(owner).post('/api/v2/users/me/workspaces').send({ name: 'on-http-pool', template_id: template.body.id });
          expect(ws.status).toBe(201);
          const build = await waitForBuild(server, owner.token, ws.body.latest_build.id);
          expect(build).toMatchObject({ status: 'running', job: { status: 'succeeded' } });
          expect(build.resources.map((r) => r.agents?.map((a) => a.name))).toEqual([['main']]);
          const job = await as(owner).get(`/api/v2/organizations/${owner.orgId}/provisionerjobs/${ws.body.latest_build.job.id}`);
          expect(job.body.worker_id).toBe(daemon.daemon.id);

          const byKey = await as(owner).get(`${keysPath()}/daemons`);
          expect(byKey.status).toBe(200);
          const entry = (byKey.body as Array<{ key: { name: string }; daemons: Array<{ id: string; key_name: string; status: string }> }>).find((e) => e.key.name === 'protocol');
          expect(entry?.daemons.map((d) => d.id)).toContain(daemon.daemon.id);
          expect(entry?.daemons.every((d) => d.key_name === 'protocol')).toBe(true);
          const names = (byKey.body as Array<{ key: { name: string } }>).map((e) => e.key.name);
          expect(names).toEqual(expect.arrayContaining(['built-in', 'user-auth', 'protocol']));
          // The reserved keys (the built-in daemons' one exists by now) are left out of the plain list.
          const plain = (await as(owner).get(keysPath())).body as Array<{ name: string }>;
          expect(plain.map((k) => k.name)).toContain('protocol');
          expect(plain.map((k) => k.name)).not.toEqual(expect.arrayContaining(['built-in']));
          expect(plain.map((k) => k.name)).not.toContain('user-auth');
        } finally {
          stop.abort();
          await serving;
        }
      });
    });

    describe('the CLI daemon (npm run provisioner)', () => {
      let key: string;
      const children: ChildProcess[] = [];
      beforeAll(async () => {
        await ensureBuilt();
        key = await createKey('cli', { pool: 'cli' });
      });
      afterAll(() => {
        for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      });

      function startCli(name: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
        const child = spawn(process.execPath, [path.join(ROOT, 'dist/libs/provisioner/src/daemon-cli.js'), '--key', key, '--url', server.url, '--name', name, '--heartbeat', '0.5'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.push(child);
        let out = '';
        child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        return { child, output: () => out, exited };
      }

      it('refuses to start without a key, with its usage', async () => {
        const child = spawn(process.execPath, [path.join(ROOT, 'dist/libs/provisioner/src/daemon-cli.js')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CODER_PROVISIONER_DAEMON_KEY: '' } });
        let err = '';
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        const code = await new Promise((resolve) => child.once('exit', resolve));
        expect(code).toBe(2);
        expect(err).toContain('A provisioner key is required.');
        expect(err).toContain('Usage: npm run provisioner');
      });

          it('registers, runs a tagged import, prints a line per job and stops cleanly on SIGTERM', async () => {
        const cli = startCli('cli-daemon');
        await until(() => cli.output(), (o) => o.includes('waiting for jobs'), 30_000);
        // Sorted, as Coder prints key tags.
        expect(cli.output()).toContain('tags: owner= pool=cli scope=organization;');
        const v = await createVersion(server, owner.token, owner.orgId, DOC, { tags: { pool: 'cli' } });
        const imported = await waitForImport(server, owner.token, v.id);
        expect(imported.job).toMatchObject({ status: 'succeeded', worker_name: 'cli-daemon' });
        await until(() => cli.output(), (o) => o.includes(`job ${v.job.id}: succeeded`), 10_000);
        cli.child.kill('SIGTERM');
        expect(await cli.exited).toBe(0);
      });

      it('a CLI daemon killed mid-job loses the job, which fails with a clear error', async () => {
        const cli = startCli('cli-killed');
        await until(() => cli.output(), (o) => o.includes('waiting for jobs'), 30_000);
        const v = await createVersion(server, owner.token, owner.orgId, DOC, { tags: { pool: 'cli' } });
        expect((await waitForImport(server, owner.token, v.id)).job.status).toBe('succeeded');
        const template = await as(owner).post(`/api/v2/organizations/${owner.orgId}/templates`).send({ name: 'cli-pool', template_version_id: v.id });
        expect(template.status).toBe(201);
        const hang = await createVersion(server, owner.token, owner.orgId, HANGS, { tags: { pool: 'cli' }, template_id: template.body.id });
        expect((await waitForImport(server, owner.token, hang.id)).job.status).toBe('succeeded');
        const ws = await as(owner).post('/api/v2/users/me/workspaces').send({ name: 'killed-mid-job', template_version_id: hang.id });
        expect(ws.status).toBe(201);
        const buildId = ws.body.latest_build.id as string;
        await until(() => cli.output(), (o) => o.includes('start of workspace "killed-mid-job" started'), 10_000);

        cli.child.kill('SIGKILL');
        await cli.exited;
        const build = await waitForBuild(server, owner.token, buildId);
        expect(build.status).toBe('failed');
        expect(build.job.error).toContain('provisioner daemon stopped sending updates');
      });
    });
  });
});
