import { describe, expect, it } from '@jest/globals';
import { JsonProvisioner } from '#provisioner/json-provisioner.js';
import type { AcquiredJob, CompletedJob, DaemonApi, FailedJob, UpdateJobRequest } from '#provisioner/protocol.js';
import { JobRunner } from '#provisioner/runner.js';
import { writeTar } from '#provisioner/tar.js';

const archive = (doc: unknown) =>
  Buffer.from(writeTar([{ name: 'main.coder.json', type: 'file', data: new TextEncoder().encode(JSON.stringify(doc)) }])).toString('base64');

function importJob(doc: unknown): AcquiredJob {
  return { job_id: 'j1', created_at: new Date().toISOString(), provisioner: 'echo', type: 'template_version_import', user_name: 'u', template_source_archive: archive(doc) };
}

/** An in-memory coderd: records what the runner says; `cancel()` makes the next update answer canceled. */
function fakeApi() {
  const calls = { updates: [] as UpdateJobRequest[], completed: [] as CompletedJob[], failed: [] as FailedJob[] };
  let canceled = false;
  const listeners = new Set<() => void>();
  const api: DaemonApi = {
    acquire: async () => null,
    update: async (req) => (calls.updates.push(req), { canceled }),
    complete: async (job) => void calls.completed.push(job),
    fail: async (job) => void calls.failed.push(job),
    watchCancel: (_id, fn) => (listeners.add(fn), () => listeners.delete(fn)),
  };
  return { api, calls, cancel: () => ((canceled = true), listeners.forEach((fn) => fn())) };
}

describe('JobRunner with the JSON provisioner', () => {
  it('runs an import to completion, sending its logs before the result', async () => {
    const { api, calls } = fakeApi();
    const doc = { readme: 'hi', parameters: [{ name: 'a', default: 'x' }], resources: [{ name: 'r', type: 't', agents: [{ name: 'main' }] }], outcomes: { import: { parse: { logs: ['one', 'two'] } } } };
    await new JobRunner(api, new JsonProvisioner(), { logFlushMs: 1 }).run(importJob(doc), new AbortController().signal);
    expect(calls.failed).toEqual([]);
    expect(calls.completed).toHaveLength(1);
    const result = calls.completed[0].template_import!;
    expect(result.readme).toBe('hi');
    expect(result.rich_parameters.map((p) => p.name)).toEqual(['a']);
    expect(result.start_resources[0].agents[0].name).toBe('main');
    expect(result.stop_resources).toEqual([]);
    expect(calls.updates.flatMap((u) => u.logs.map((l) => l.output))).toEqual(expect.arrayContaining(['one', 'two']));
  });

  it('reports the document error as the job error', async () => {
    const { api, calls } = fakeApi();
    await new JobRunner(api, new JsonProvisioner()).run(importJob({ parameters: [{ name: 'no/slashes allowed' }] }), new AbortController().signal);
    expect(calls.completed).toEqual([]);
    expect(calls.failed[0].error).toContain('main.coder.json.parameters[0].name');
  });

  it('a hanging stage ends when the job is cancelled, reported as canceled', async () => {
    const { api, calls, cancel } = fakeApi();
    const running = new JobRunner(api, new JsonProvisioner(), { logFlushMs: 1 }).run(importJob({ outcomes: { import: { parse: { hang: true } } } }), new AbortController().signal);
    cancel();
    await running;
    expect(calls.failed).toEqual([{ job_id: 'j1', error: 'canceled' }]);
  });
});
