// Coder's task status (facts 3.12), layer by layer: the first layer that is not active decides.
import { describe, expect, it } from '@jest/globals';
import { taskStatus, type TaskStatusInputs } from '#coderd/tasks/task-status.js';
import { taskNameFromInput } from '#coderd/tasks/tasks.service.js';

const running: TaskStatusInputs = { hasWorkspace: true, transition: 'start', jobStatus: 'succeeded', agentLifecycle: 'ready', appHealth: 'healthy' };

describe('taskStatus', () => {
  it.each<[string, Partial<TaskStatusInputs>, string]>([
    ['no workspace', { hasWorkspace: false }, 'pending'],
    ['no build', { transition: null, jobStatus: null }, 'pending'],
    ['failed build', { jobStatus: 'failed' }, 'error'],
    ['canceling build', { jobStatus: 'canceling' }, 'error'],
    ['canceled build', { jobStatus: 'canceled' }, 'error'],
    ['stopped', { transition: 'stop', jobStatus: 'succeeded' }, 'paused'],
    ['deleted', { transition: 'delete', jobStatus: 'succeeded' }, 'paused'],
    ['stopping', { transition: 'stop', jobStatus: 'running' }, 'unknown'],
    ['start pending', { jobStatus: 'pending' }, 'pending'],
    ['start running, no agent yet', { jobStatus: 'running', agentLifecycle: null }, 'initializing'],
    ['agent created', { agentLifecycle: 'created' }, 'initializing'],
    ['agent starting', { agentLifecycle: 'starting' }, 'initializing'],
    ['agent start timeout counts as started', { agentLifecycle: 'start_timeout' }, 'active'],
    ['agent start error counts as started', { agentLifecycle: 'start_error' }, 'active'],
    ['agent shutting down', { agentLifecycle: 'shutting_down' }, 'unknown'],
    ['app initializing', { appHealth: 'initializing' }, 'initializing'],
    ['app unhealthy', { appHealth: 'unhealthy' }, 'error'],
    ['app without a health check', { appHealth: 'disabled' }, 'active'],
    ['no app', { appHealth: null }, 'unknown'],
    ['everything up', {}, 'active'],
  ])('%s → %s', (_name, change, want) => {
    expect(taskStatus({ ...running, ...change })).toBe(want);
  });
});

describe('taskNameFromInput', () => {
  it('takes the first words as a workspace name with a random suffix', () => {
    expect(taskNameFromInput('Fix the bug in the login page, please!')).toMatch(/^fix-the-bug-in-the-login-pa-[0-9a-f]{4}$/);
    expect(taskNameFromInput('!!!')).toMatch(/^task-[0-9a-f]{4}$/);
    expect(taskNameFromInput('x'.repeat(100)).length).toBeLessThanOrEqual(32);
    expect(taskNameFromInput('same')).not.toBe(taskNameFromInput('same'));
  });
});
