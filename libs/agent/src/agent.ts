#!/usr/bin/env node
// The reference workspace agent: `npm run agent -- --url <coderd> --token <agent token>`. It speaks
// this server's HTTP agent API end to end (docs/agents.md): manifest, startup, lifecycle, start and
// stop scripts with their logs and timings, metadata, app health checks, listening ports and stats.
// One file with no imports but Node's own, so that coderd can serve it to external machines as is
// (the init script downloads and runs it).
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const AGENT_VERSION = '0.1.0';

interface Script {
  id: string;
  log_source_id: string;
  display_name: string;
  script: string;
  run_on_start: boolean;
  run_on_stop: boolean;
  timeout_seconds: number;
}
interface App {
  id: string;
  healthcheck?: { url: string; interval: number; threshold: number };
  health: string;
}
interface MetadataDescription {
  key: string;
  script: string;
  interval: number;
  timeout: number;
}
export interface Manifest {
  agent_id: string;
  agent_name: string;
  workspace_id: string;
  directory: string;
  environment_variables: Record<string, string>;
  apps: App[];
  scripts: Script[];
  metadata: MetadataDescription[];
}

export interface AgentOptions {
  url: string;
  token: string;
  /** Where scripts run when the manifest names no directory. */
  directory?: string;
  log?: (line: string) => void;
}

/** Events: `ready` (start scripts done; the lifecycle state), `metadata` (key), `stats`, `health`, `error` (Error), `stopped`. */
export class ReferenceAgent extends EventEmitter {
  manifest?: Manifest;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly health = new Map<string, { failures: number; reported: string }>();
  private stopping = false;

  constructor(private readonly opts: AgentOptions) {
    super();
  }

  async start(): Promise<void> {
    const manifest = (await this.call('GET', 'manifest')) as Manifest;
    this.manifest = manifest;
    await this.call('POST', 'startup', { version: AGENT_VERSION, expanded_directory: this.cwd(), subsystems: [] });
    await this.lifecycle('starting');
    for (const s of manifest.scripts) await this.call('POST', 'log-source', { id: s.log_source_id, display_name: s.display_name || 'Script', icon: '' });
    let failed = false;
    for (const s of manifest.scripts.filter((x) => x.run_on_start)) failed = (await this.runScript(s, 'start')) !== 0 || failed;
    const state = failed ? 'start_error' : 'ready';
    await this.lifecycle(state);
    this.emit('ready', state);
    this.every(0, () => this.reportStats());
    for (const m of manifest.metadata) this.every(0, () => this.collect(m), m.interval * 1000);
    for (const app of manifest.apps) if (app.healthcheck) this.every(0, () => this.checkHealth(app), app.healthcheck.interval * 1000);
    this.every(0, () => this.reportPorts(), 10_000);
  }

  /** Runs the stop scripts and reports the agent off (Coder's graceful shutdown). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    const manifest = this.manifest;
    if (manifest) {
      await this.lifecycle('shutting_down');
      let failed = false;
      for (const s of manifest.scripts.filter((x) => x.run_on_stop)) failed = (await this.runScript(s, 'stop')) !== 0 || failed;
      await this.lifecycle(failed ? 'shutdown_error' : 'off');
    }
    this.emit('stopped');
  }

  private cwd(): string {
    return this.manifest?.directory || this.opts.directory || process.cwd();
  }

  private lifecycle(state: string): Promise<unknown> {
    return this.call('POST', 'report-lifecycle', { state, changed_at: new Date().toISOString() });
  }

  /** Runs `fn` after `delayMs`, then every `periodMs` (or as the server says, for stats), until stopped. */
  private every(delayMs: number, fn: () => Promise<number | void>, periodMs?: number): void {
    const run = async () => {
      if (this.stopping) return;
      let next = periodMs;
      try {
        const asked = await fn();
        if (typeof asked === 'number') next = asked;
      } catch (err) {
        this.emit('error', err as Error);
      }
      if (!this.stopping && next !== undefined) this.timers.push(setTimeout(run, next).unref());
    };
    this.timers.push(setTimeout(run, delayMs).unref());
  }

  /** Runs a script with `sh -c`, sending its output as logs of its source and its timing; answers the exit code. */
  private async runScript(s: Script, stage: 'start' | 'stop'): Promise<number> {
    const started = new Date();
    const child = spawn('sh', ['-c', s.script], { cwd: this.cwd(), env: { ...process.env, ...this.manifest!.environment_variables } });
    let timedOut = false;
    const timer = s.timeout_seconds > 0 ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), s.timeout_seconds * 1000) : undefined;
    const lines: Array<{ created_at: string; output: string; level: string }> = [];
    const take = (level: string) => (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push({ created_at: new Date().toISOString(), output: line.slice(0, 1024), level });
    };
    child.stdout.on('data', take('info'));
    child.stderr.on('data', take('error'));
    const code = await new Promise<number>((resolve) => {
      child.on('error', () => resolve(127));
      child.on('close', (c) => resolve(c ?? 1));
    });
    clearTimeout(timer);
    for (let i = 0; i < lines.length; i += 500) await this.call('PATCH', 'logs', { log_source_id: s.log_source_id, logs: lines.slice(i, i + 500) });
    const status = timedOut ? 'timed_out' : code === 0 ? 'ok' : 'exit_failure';
    await this.call('POST', 'script-completed', { timing: { script_id: s.id, start: started.toISOString(), end: new Date().toISOString(), exit_code: code, stage, status } });
    this.opts.log?.(`script "${s.display_name}" (${stage}) exited ${code}`);
    return code;
  }

  private async reportStats(): Promise<number> {
    const res = (await this.call('POST', 'report-stats', { connection_count: 0, connections_by_proto: {}, rx_bytes: 0, tx_bytes: 0 })) as { report_interval: number };
    this.emit('stats');
    return Math.max(1000, Math.round(res.report_interval / 1_000_000));
  }

  private async collect(m: MetadataDescription): Promise<void> {
    const collected = new Date();
    const { code, output } = await capture(m.script, this.cwd(), m.timeout);
    const error = code === 0 ? '' : code === null ? `timed out after ${m.timeout}s` : `exit status ${code}`;
    await this.call('POST', 'metadata', { metadata: [{ key: m.key, result: { collected_at: collected.toISOString(), age: 0, value: output.trim(), error } }] });
    this.emit('metadata', m.key);
  }

  /** Coder's rule: healthy on a 2xx or 3xx answer; unhealthy after `threshold` failures in a row. */
  private async checkHealth(app: App): Promise<void> {
    const hc = app.healthcheck!;
    const state = this.health.get(app.id) ?? { failures: 0, reported: app.health };
    let ok: boolean;
    try {
      const res = await fetch(hc.url, { signal: AbortSignal.timeout(Math.max(1000, hc.interval * 1000)), redirect: 'manual' });
      ok = res.status >= 200 && res.status < 400;
    } catch {
      ok = false;
    }
    state.failures = ok ? 0 : state.failures + 1;
    const health = ok ? 'healthy' : state.failures >= hc.threshold ? 'unhealthy' : state.reported;
    this.health.set(app.id, state);
    if (health !== state.reported) {
      await this.call('POST', 'app-health', { healths: { [app.id]: health } });
      state.reported = health;
      this.emit('health', app.id, health);
    }
  }

  private async reportPorts(): Promise<void> {
    await this.call('POST', 'listening-ports', { ports: await listeningTcpPorts() });
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(new URL(`/api/v2/workspaceagents/me/${path}`, this.opts.url), {
      method,
      headers: { 'Coder-Session-Token': this.opts.token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        const e = JSON.parse(text) as { message?: string; detail?: string };
        message = [e.message, e.detail].filter(Boolean).join(': ');
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`${method} ${path}: ${res.status} ${message}`);
    }
    return text === '' ? undefined : JSON.parse(text);
  }
}

/** Runs a metadata script; code null when it timed out. */
function capture(script: string, cwd: string, timeoutS: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script], { cwd });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    const timer = timeoutS > 0 ? setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000) : undefined;
    child.on('error', () => resolve({ code: 127, output }));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal === 'SIGKILL' ? null : (code ?? 1), output });
    });
  });
}

/** LISTEN sockets from /proc/net/tcp and tcp6 (Linux); elsewhere none. */
async function listeningTcpPorts(): Promise<Array<{ process_name: string; network: string; port: number }>> {
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '0A') continue; // TCP_LISTEN
      const port = parseInt(cols[1]?.split(':')[1] ?? '', 16);
      if (port > 0) ports.add(port);
    }
  }
  return [...ports].sort((a, b) => a - b).map((port) => ({ process_name: '', network: 'tcp', port }));
}

const USAGE = `Usage: npm run agent -- --url <coderd URL> --token <agent token>

  --url     coderd's URL; or CODER_AGENT_URL.
  --token   The agent's token; or CODER_AGENT_TOKEN.
  Stops on SIGINT or SIGTERM after running the stop scripts.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return void console.log(USAGE);
  const url = values.url ?? process.env.CODER_AGENT_URL;
  const token = values.token ?? process.env.CODER_AGENT_TOKEN;
  if (!url || !token) {
    console.error(`Both the URL and the token are needed.\n\n${USAGE}`);
    process.exit(2);
  }
  const agent = new ReferenceAgent({ url, token, log: (l) => console.log(l) });
  agent.on('error', (err: Error) => console.error(`agent: ${err.message}`));
  agent.on('ready', (state: string) => console.log(`agent "${agent.manifest?.agent_name}" ${state}; reporting to ${url}`));
  const shutdown = () => void agent.stop().then(() => process.exit(0), () => process.exit(1));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  try {
    await agent.start();
  } catch (err) {
    console.error(`agent: ${(err as Error).message}`);
    process.exit(1);
  }
  // Keeps the process alive; the timers are unref'd so that tests can drop an agent without stopping it.
  setInterval(() => undefined, 1 << 30);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
