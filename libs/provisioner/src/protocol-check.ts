// Checks of what an external daemon sends over HTTP (#provisioner/protocol.js), so that a malformed
// message is a 400 naming the field instead of a failed insert. In-process daemons skip this.
import { DAEMON_API_VERSION, PROVISIONER_TYPES } from './protocol.js';
import { VARIABLE_TYPES } from './template-document.js';

export interface FieldProblem {
  field: string;
  detail: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];
const SOURCES = ['provisioner_daemon', 'provisioner'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects problems while walking one message; each check names the path it looked at. */
class Check {
  readonly problems: FieldProblem[] = [];

  bad(field: string, detail: string): false {
    this.problems.push({ field, detail });
    return false;
  }

  object(v: unknown, field: string): v is Json {
    return isObject(v) || this.bad(field, 'Must be an object.');
  }

  string(v: unknown, field: string, opts: { nullable?: boolean; max?: number } = {}): boolean {
    if (v === null && opts.nullable) return true;
    if (typeof v !== 'string') return this.bad(field, 'Must be a string.');
    // PostgreSQL text cannot hold NUL.
    if (v.includes('\u0000')) return this.bad(field, 'Must not contain NUL characters.');
    return v.length <= (opts.max ?? 1 << 20) || this.bad(field, `Must be at most ${opts.max} characters.`);
  }

  uuid(v: unknown, field: string): boolean {
    return (typeof v === 'string' && UUID_RE.test(v)) || this.bad(field, 'Must be a UUID.');
  }

  boolean(v: unknown, field: string): boolean {
    return typeof v === 'boolean' || this.bad(field, 'Must be true or false.');
  }

  integer(v: unknown, field: string): boolean {
    return (typeof v === 'number' && Number.isInteger(v) && v >= 0) || this.bad(field, 'Must be a non-negative integer.');
  }

  oneOf(v: unknown, field: string, allowed: readonly string[]): boolean {
    return (typeof v === 'string' && allowed.includes(v)) || this.bad(field, `Must be one of ${allowed.join(', ')}.`);
  }

  array(v: unknown, field: string, each: (item: unknown, field: string) => void, max = 10_000): void {
    if (!Array.isArray(v)) {
      this.bad(field, 'Must be an array.');
      return;
    }
    if (v.length > max) {
      this.bad(field, `Must have at most ${max} entries.`);
      return;
    }
    v.forEach((item, i) => each(item, `${field}[${i}]`));
  }

  stringMap(v: unknown, field: string): void {
    if (!this.object(v, field)) return;
    for (const [k, value] of Object.entries(v)) this.string(value, `${field}.${k}`);
  }
}

function resource(c: Check, r: unknown, f: string): void {
  if (!c.object(r, f)) return;
  c.string(r.name, `${f}.name`, { max: 64 });
  c.string(r.type, `${f}.type`, { max: 192 });
  c.boolean(r.hide, `${f}.hide`);
  c.string(r.icon, `${f}.icon`);
  c.string(r.instance_type, `${f}.instance_type`, { nullable: true });
  c.integer(r.daily_cost, `${f}.daily_cost`);
  c.array(r.metadata, `${f}.metadata`, (m, mf) => {
    if (!c.object(m, mf)) return;
    c.string(m.key, `${mf}.key`);
    c.string(m.value, `${mf}.value`, { nullable: true });
    c.boolean(m.sensitive, `${mf}.sensitive`);
  });
  c.array(r.agents, `${f}.agents`, (a, af) => {
    if (!c.object(a, af)) return;
    c.uuid(a.id, `${af}.id`);
    c.uuid(a.token, `${af}.token`);
    c.string(a.name, `${af}.name`, { max: 64 });
    for (const k of ['operating_system', 'architecture', 'directory', 'troubleshooting_url', 'motd_file']) c.string(a[k], `${af}.${k}`);
    c.stringMap(a.env, `${af}.env`);
    c.integer(a.connection_timeout_seconds, `${af}.connection_timeout_seconds`);
    if (typeof a.order !== 'number') c.bad(`${af}.order`, 'Must be a number.');
    c.array(a.apps, `${af}.apps`, (p, pf) => {
      if (!c.object(p, pf)) return;
      c.uuid(p.id, `${pf}.id`);
      for (const k of ['slug', 'display_name', 'icon', 'sharing_level', 'open_in', 'tooltip']) c.string(p[k], `${pf}.${k}`);
      for (const k of ['command', 'url', 'group']) c.string(p[k], `${pf}.${k}`, { nullable: true });
      for (const k of ['subdomain', 'external', 'hidden']) c.boolean(p[k], `${pf}.${k}`);
      if (p.healthcheck !== null && c.object(p.healthcheck, `${pf}.healthcheck`)) {
        c.string(p.healthcheck.url, `${pf}.healthcheck.url`);
        c.integer(p.healthcheck.interval, `${pf}.healthcheck.interval`);
        c.integer(p.healthcheck.threshold, `${pf}.healthcheck.threshold`);
      }
    });
    c.array(a.scripts, `${af}.scripts`, (s, sf) => {
      if (!c.object(s, sf)) return;
      for (const k of ['display_name', 'script', 'cron', 'log_path']) c.string(s[k], `${sf}.${k}`);
      for (const k of ['run_on_start', 'run_on_stop', 'start_blocks_login']) c.boolean(s[k], `${sf}.${k}`);
      c.integer(s.timeout_seconds, `${sf}.timeout_seconds`);
    });
  });
}

const resources = (c: Check, v: unknown, f: string) => c.array(v, f, (r, rf) => resource(c, r, rf), 1000);

export function checkRegistration(body: unknown): FieldProblem[] {
  const c = new Check();
  if (!c.object(body, 'body')) return c.problems;
  c.string(body.name, 'name', { max: 64 });
  if (typeof body.name === 'string' && body.name.trim() === '') c.bad('name', 'Must not be empty.');
  c.array(body.provisioners, 'provisioners', (p, f) => c.oneOf(p, f, PROVISIONER_TYPES), 8);
  if (Array.isArray(body.provisioners) && body.provisioners.length === 0) c.bad('provisioners', 'At least one provisioner type is required.');
  if (body.tags !== undefined) c.stringMap(body.tags, 'tags');
  c.string(body.api_version, 'api_version', { max: 32 });
  if (body.version !== undefined) c.string(body.version, 'version', { max: 128 });
  return c.problems;
}

export function checkUpdate(body: unknown): FieldProblem[] {
  const c = new Check();
  if (!c.object(body, 'body')) return c.problems;
  c.uuid(body.job_id, 'job_id');
  c.array(body.logs, 'logs', (l, f) => {
    if (!c.object(l, f)) return;
    if (typeof l.created_at !== 'string' || Number.isNaN(Date.parse(l.created_at))) c.bad(`${f}.created_at`, 'Must be an RFC 3339 timestamp.');
    c.oneOf(l.source, `${f}.source`, SOURCES);
    c.oneOf(l.level, `${f}.level`, LEVELS);
    c.string(l.stage, `${f}.stage`);
    c.string(l.output, `${f}.output`);
  });
  return c.problems;
}

export function checkCompleted(body: unknown): FieldProblem[] {
  const c = new Check();
  if (!c.object(body, 'body')) return c.problems;
  c.uuid(body.job_id, 'job_id');
  const kinds = ['template_import', 'workspace_build'].filter((k) => body[k] !== undefined);
  if (kinds.length !== 1) c.bad('body', 'Exactly one of template_import and workspace_build is required.');
  const imp = body.template_import;
  if (imp !== undefined && c.object(imp, 'template_import')) {
    resources(c, imp.start_resources, 'template_import.start_resources');
    resources(c, imp.stop_resources, 'template_import.stop_resources');
    c.string(imp.readme, 'template_import.readme');
    // Parameters are the template document's own (validated by the provisioner that parsed them).
    c.array(imp.rich_parameters, 'template_import.rich_parameters', (p, f) => c.object(p, f), 1000);
    if (imp.variables !== undefined) {
      c.array(imp.variables, 'template_import.variables', (v, f) => {
        if (!c.object(v, f)) return;
        c.string(v.name, `${f}.name`, { max: 64 });
        c.oneOf(v.type, `${f}.type`, VARIABLE_TYPES);
        for (const k of ['description', 'value', 'default_value']) c.string(v[k], `${f}.${k}`);
        for (const k of ['required', 'sensitive']) c.boolean(v[k], `${f}.${k}`);
      }, 1000);
      const names = Array.isArray(imp.variables) ? imp.variables.map((v) => (isObject(v) ? v.name : undefined)) : [];
      if (new Set(names).size !== names.length) c.bad('template_import.variables', 'Variable names must be unique.');
    }
  }
  const build = body.workspace_build;
  if (build !== undefined && c.object(build, 'workspace_build')) {
    c.string(build.state, 'workspace_build.state');
    resources(c, build.resources, 'workspace_build.resources');
  }
  return c.problems;
}

export function checkFailed(body: unknown): FieldProblem[] {
  const c = new Check();
  if (!c.object(body, 'body')) return c.problems;
  c.uuid(body.job_id, 'job_id');
  c.string(body.error, 'error', { max: 65_536 });
  if (body.error_code !== undefined) c.string(body.error_code, 'error_code', { max: 64 });
  return c.problems;
}

/** Coder's rule for a daemon's `api_version`: the same major version, a minor one no newer than the server's. */
export function incompatibleVersion(version: string): string | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  if (!m) return `"${version}" is not a version of the form MAJOR.MINOR.`;
  const [major, minor] = DAEMON_API_VERSION.split('.').map(Number);
  if (Number(m[1]) !== major) return `Major version ${m[1]} is not supported; this server speaks ${DAEMON_API_VERSION}.`;
  if (Number(m[2]) > minor) return `Minor version ${m[2]} is newer than this server's ${DAEMON_API_VERSION}.`;
  return undefined;
}
