// The JSON template document (`main.coder.json`) the built-in provisioner reads instead of Terraform.
// It declares what a Terraform template would produce: parameters, resources with agents, apps and
// scripts, and per transition what each stage logs or fails with. Format: docs/templates.md.

export const TEMPLATE_DOCUMENT_FILE = 'main.coder.json';

export const PARAMETER_TYPES = ['string', 'number', 'bool', 'list(string)'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
export const TRANSITIONS = ['start', 'stop', 'delete'] as const;
export type Transition = (typeof TRANSITIONS)[number];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const SHARING_LEVELS = ['owner', 'authenticated', 'organization', 'public'] as const;
export const OPEN_IN = ['slim-window', 'tab'] as const;

export interface ParameterOption {
  name: string;
  description: string;
  value: string;
  icon: string;
}

export interface ParameterDecl {
  name: string;
  display_name: string;
  description: string;
  type: ParameterType;
  form_type: string;
  /** A value; an empty default with `required` unset makes the parameter required, as in Coder. */
  default_value: string;
  required: boolean;
  mutable: boolean;
  ephemeral: boolean;
  icon: string;
  order: number;
  options: ParameterOption[];
  validation: { min: number | null; max: number | null; regex: string; error: string; monotonic: '' | 'increasing' | 'decreasing' };
}

export const VARIABLE_TYPES = ['string', 'number', 'bool'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** A template variable, as Terraform's `variable` blocks: set by the template author per version. */
export interface VariableDecl {
  name: string;
  description: string;
  type: VariableType;
  /** Stored as a string, as Coder stores it. */
  default_value: string;
  /** True when there is no default, as in Terraform. */
  required: boolean;
  sensitive: boolean;
}

export interface AppDecl {
  slug: string;
  display_name: string;
  command: string | null;
  url: string | null;
  icon: string;
  subdomain: boolean;
  sharing_level: (typeof SHARING_LEVELS)[number];
  external: boolean;
  healthcheck: { url: string; interval: number; threshold: number } | null;
  hidden: boolean;
  open_in: (typeof OPEN_IN)[number];
  group: string | null;
  order: number;
  tooltip: string;
}

export interface ScriptDecl {
  display_name: string;
  script: string;
  cron: string;
  run_on_start: boolean;
  run_on_stop: boolean;
  start_blocks_login: boolean;
  timeout_seconds: number;
  log_path: string;
}

/** A value the agent collects by running a script every `interval` seconds (Terraform's coder_agent metadata). */
export interface AgentMetadataDecl {
  key: string;
  display_name: string;
  script: string;
  /** Seconds between runs. */
  interval: number;
  /** Seconds a run may take. */
  timeout: number;
  order: number;
}

export interface AgentDecl {
  name: string;
  /** Runs on a machine coderd does not provision (Terraform's coder_external_agent): admins can read its token back. */
  external: boolean;
  metadata: AgentMetadataDecl[];
  operating_system: string;
  architecture: string;
  directory: string;
  env: Record<string, string>;
  /** A fixed agent token (a UUID); otherwise every build gets a random one. */
  token: string | null;
  connection_timeout_seconds: number;
  troubleshooting_url: string;
  motd_file: string;
  order: number;
  apps: AppDecl[];
  scripts: ScriptDecl[];
}

export interface ResourceDecl {
  name: string;
  type: string;
  /** The transitions the resource exists in (a volume survives a stop; compute does not). */
  transitions: Transition[];
  hide: boolean;
  icon: string;
  instance_type: string | null;
  daily_cost: number;
  metadata: Array<{ key: string; value: string | null; sensitive: boolean }>;
  agents: AgentDecl[];
}

export interface LogDecl {
  level: LogLevel;
  output: string;
}

/** What one stage (plan or apply) does: logs lines, then fails with `error`, or waits until cancelled. */
export interface StageDecl {
  logs: LogDecl[];
  error: string | null;
  hang: boolean;
}

export interface TemplateDocument {
  readme: string;
  /** Workspaces of this template can run AI tasks, shown in the app with this slug (Terraform's coder_ai_task). */
  ai_task: { app_slug: string } | null;
  variables: VariableDecl[];
  parameters: ParameterDecl[];
  resources: ResourceDecl[];
  /** Stages of the import job (`parse`, `plan`) and of each build transition (`plan`, `apply`). */
  outcomes: {
    import: { parse: StageDecl; plan: StageDecl };
    start: { plan: StageDecl; apply: StageDecl };
    stop: { plan: StageDecl; apply: StageDecl };
    delete: { plan: StageDecl; apply: StageDecl };
  };
}

export class TemplateDocumentError extends Error {}

const NAME_RE = /^[a-z0-9](-?[a-z0-9])*$/i; // Coder's agent name rule
const SLUG_RE = /^[a-z0-9](-?[a-z0-9])*$/; // Coder's app slug rule
// Inner spaces are allowed: Coder's templates name the task prompt parameter "AI Prompt".
const PARAM_NAME_RE = /^(?=.{1,64}$)[a-zA-Z0-9_-]+( [a-zA-Z0-9_-]+)*$/;
const VARIABLE_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/; // Terraform's identifier rule
const METADATA_KEY_RE = /^[a-zA-Z0-9_-]{1,127}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Json = Record<string, unknown>;

/** Reads fields of one JSON object, naming the path of whatever is wrong. */
class Reader {
  constructor(
    private readonly obj: Json,
    readonly path: string,
  ) {}

  static of(value: unknown, path: string): Reader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TemplateDocumentError(`${path}: must be an object`);
    return new Reader(value as Json, path);
  }

  private fail(key: string, what: string): never {
    throw new TemplateDocumentError(`${this.path}.${key}: ${what}`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  string(key: string, fallback?: string): string {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.fail(key, 'is required');
      return fallback;
    }
    if (typeof v !== 'string') this.fail(key, 'must be a string');
    return v;
  }

  nullableString(key: string): string | null {
    return this.has(key) ? this.string(key) : null;
  }

  number(key: string, fallback: number): number {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'must be a number');
    return v;
  }

  integer(key: string, fallback: number, min = 0): number {
    const v = this.number(key, fallback);
    if (!Number.isInteger(v) || v < min) this.fail(key, `must be an integer of at least ${min}`);
    return v;
  }

  nullableInteger(key: string): number | null {
    if (!this.has(key)) return null;
    const v = this.number(key, 0);
    if (!Number.isInteger(v)) this.fail(key, 'must be an integer');
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(key, 'must be true or false');
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const v = this.string(key, fallback);
    if (!(values as readonly string[]).includes(v)) this.fail(key, `must be one of ${values.join(', ')}`);
    return v as T;
  }

  matching(key: string, re: RegExp, what: string, fallback?: string): string {
    const v = this.string(key, fallback);
    if (!re.test(v)) this.fail(key, what);
    return v;
  }

  list<T>(key: string, each: (r: Reader, i: number) => T): T[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(key, 'must be an array');
    return v.map((item, i) => each(Reader.of(item, `${this.path}.${key}[${i}]`), i));
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  enumList<T extends string>(key: string, values: readonly T[]): T[] {
    const v = this.obj[key] ?? [];
    if (!Array.isArray(v)) this.fail(key, 'must be an array');
    return v.map((item, i) => {
      if (!(values as readonly unknown[]).includes(item)) this.fail(`${key}[${i}]`, `must be one of ${values.join(', ')}`);
      return item as T;
    });
  }

  child(key: string): Reader {
    return Reader.of(this.obj[key] ?? {}, `${this.path}.${key}`);
  }

  stringMap(key: string): Record<string, string> {
    const r = this.child(key);
    const out: Record<string, string> = {};
    for (const k of Object.keys(r.obj)) out[k] = r.string(k);
    return out;
  }

  /** Unknown keys are mistakes (a misspelt field would silently do nothing). */
  only(keys: string[]): this {
    for (const k of Object.keys(this.obj)) if (!keys.includes(k)) this.fail(k, `is not a known field (known: ${keys.join(', ')})`);
    return this;
  }
}

function uniqueBy<T>(items: T[], key: (t: T) => string, path: string, what: string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) throw new TemplateDocumentError(`${path}: duplicate ${what} "${k}"`);
    seen.add(k);
  }
}

function parameter(r: Reader): ParameterDecl {
  r.only(['name', 'display_name', 'description', 'type', 'form_type', 'default', 'required', 'mutable', 'ephemeral', 'icon', 'order', 'options', 'validation']);
  const type = r.oneOf('type', PARAMETER_TYPES, 'string');
  const v = r.child('validation').only(['min', 'max', 'regex', 'error', 'monotonic']);
  const validation = {
    min: v.nullableInteger('min'),
    max: v.nullableInteger('max'),
    regex: v.string('regex', ''),
    error: v.string('error', ''),
    monotonic: v.oneOf('monotonic', ['', 'increasing', 'decreasing'] as const, ''),
  };
  if (validation.regex !== '') {
    try {
      new RegExp(validation.regex);
    } catch {
      throw new TemplateDocumentError(`${v.path}.regex: is not a valid regular expression`);
    }
  }
  // Defaults may be written as JSON numbers, booleans or string lists; they are stored as strings.
  const defaultValue = r.has('default') ? scalarText(r.raw('default')) : '';
  const options = r.list('options', (o) => {
    o.only(['name', 'description', 'value', 'icon']);
    return { name: o.string('name'), description: o.string('description', ''), value: o.string('value'), icon: o.string('icon', '') };
  });
  uniqueBy(options, (o) => o.value, `${r.path}.options`, 'option value');
  return {
    name: r.matching('name', PARAM_NAME_RE, 'must be 1-64 letters, digits, "_" or "-", with single spaces between words'),
    display_name: r.string('display_name', ''),
    description: r.string('description', ''),
    type,
    form_type: r.string('form_type', ''),
    default_value: defaultValue,
    required: r.bool('required', !r.has('default')),
    mutable: r.bool('mutable', false),
    ephemeral: r.bool('ephemeral', false),
    icon: r.string('icon', ''),
    order: r.integer('order', 0, -1_000_000),
    options,
    validation,
  };
}

const scalarText = (raw: unknown) => (typeof raw === 'string' ? raw : JSON.stringify(raw));

function variable(r: Reader): VariableDecl {
  r.only(['name', 'description', 'type', 'default', 'sensitive']);
  const type = r.oneOf('type', VARIABLE_TYPES, 'string');
  const name = r.matching('name', VARIABLE_NAME_RE, 'must start with a letter or "_" and contain letters, digits, "_" and "-" only (at most 64)');
  let defaultValue = '';
  if (r.has('default')) {
    const raw = r.raw('default');
    if (typeof raw === 'object') throw new TemplateDocumentError(`${r.path}.default: must be a string, number or boolean`);
    defaultValue = scalarText(raw);
    const problem = variableValueProblem(type, defaultValue);
    if (problem) throw new TemplateDocumentError(`${r.path}.default: ${problem}`);
  }
  return { name, description: r.string('description', ''), type, default_value: defaultValue, required: !r.has('default'), sensitive: r.bool('sensitive', false) };
}

/** Why `value` is not a value of a variable of `type`, or undefined when it is one. */
export function variableValueProblem(type: VariableType, value: string): string | undefined {
  if (type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value)))) return `"${value}" is not a number`;
  if (type === 'bool' && value !== 'true' && value !== 'false') return `"${value}" is not true or false`;
  return undefined;
}

function app(r: Reader): AppDecl {
  r.only(['slug', 'display_name', 'command', 'url', 'icon', 'subdomain', 'sharing_level', 'external', 'healthcheck', 'hidden', 'open_in', 'group', 'order', 'tooltip']);
  const hc = r.has('healthcheck') ? r.child('healthcheck').only(['url', 'interval', 'threshold']) : undefined;
  return {
    slug: r.matching('slug', SLUG_RE, 'must be lower-case letters and digits separated by single hyphens'),
    display_name: r.string('display_name', ''),
    command: r.nullableString('command'),
    url: r.nullableString('url'),
    icon: r.string('icon', ''),
    subdomain: r.bool('subdomain', false),
    sharing_level: r.oneOf('sharing_level', SHARING_LEVELS, 'owner'),
    external: r.bool('external', false),
    healthcheck: hc ? { url: hc.string('url'), interval: hc.integer('interval', 5), threshold: hc.integer('threshold', 6) } : null,
    hidden: r.bool('hidden', false),
    open_in: r.oneOf('open_in', OPEN_IN, 'slim-window'),
    group: r.nullableString('group'),
    order: r.integer('order', 0, -1_000_000),
    tooltip: r.string('tooltip', ''),
  };
}

function script(r: Reader): ScriptDecl {
  r.only(['display_name', 'script', 'cron', 'run_on_start', 'run_on_stop', 'start_blocks_login', 'timeout_seconds', 'log_path']);
  return {
    display_name: r.string('display_name', ''),
    script: r.string('script'),
    cron: r.string('cron', ''),
    run_on_start: r.bool('run_on_start', false),
    run_on_stop: r.bool('run_on_stop', false),
    start_blocks_login: r.bool('start_blocks_login', false),
    timeout_seconds: r.integer('timeout_seconds', 0),
    log_path: r.string('log_path', ''),
  };
}

function agentMetadata(r: Reader): AgentMetadataDecl {
  r.only(['key', 'display_name', 'script', 'interval', 'timeout', 'order']);
  return {
    key: r.matching('key', METADATA_KEY_RE, 'must be 1 to 127 letters, digits, underscores or hyphens'),
    display_name: r.string('display_name', ''),
    script: r.string('script'),
    interval: r.integer('interval', 10, 1),
    timeout: r.integer('timeout', 5),
    order: r.integer('order', 0, -1_000_000),
  };
}

function agent(r: Reader): AgentDecl {
  r.only(['name', 'external', 'operating_system', 'architecture', 'directory', 'env', 'token', 'connection_timeout_seconds', 'troubleshooting_url', 'motd_file', 'order', 'apps', 'scripts', 'metadata']);
  const apps = r.list('apps', app);
  uniqueBy(apps, (a) => a.slug, `${r.path}.apps`, 'app slug');
  const metadata = r.list('metadata', agentMetadata);
  uniqueBy(metadata, (m) => m.key, `${r.path}.metadata`, 'metadata key');
  return {
    name: r.matching('name', NAME_RE, 'must be letters and digits separated by single hyphens'),
    external: r.bool('external', false),
    metadata,
    operating_system: r.string('operating_system', 'linux'),
    architecture: r.string('architecture', 'amd64'),
    directory: r.string('directory', ''),
    env: r.stringMap('env'),
    token: r.has('token') ? r.matching('token', UUID_RE, 'must be a UUID') : null,
    connection_timeout_seconds: r.integer('connection_timeout_seconds', 120),
    troubleshooting_url: r.string('troubleshooting_url', ''),
    motd_file: r.string('motd_file', ''),
    order: r.integer('order', 0, -1_000_000),
    apps,
    scripts: r.list('scripts', script),
  };
}

function resource(r: Reader): ResourceDecl {
  r.only(['name', 'type', 'transitions', 'hide', 'icon', 'instance_type', 'daily_cost', 'metadata', 'agents']);
  const transitions = r.has('transitions') ? r.enumList('transitions', ['start', 'stop'] as const) : (['start'] as Transition[]);
  if (transitions.length === 0) throw new TemplateDocumentError(`${r.path}.transitions: must name at least one transition`);
  const agents = r.list('agents', agent);
  uniqueBy(agents, (a) => a.name.toLowerCase(), `${r.path}.agents`, 'agent name');
  const metadata = r.list('metadata', (m) => {
    m.only(['key', 'value', 'sensitive']);
    return { key: m.string('key'), value: m.nullableString('value'), sensitive: m.bool('sensitive', false) };
  });
  uniqueBy(metadata, (m) => m.key, `${r.path}.metadata`, 'metadata key');
  return {
    name: r.string('name'),
    type: r.string('type'),
    transitions,
    hide: r.bool('hide', false),
    icon: r.string('icon', ''),
    instance_type: r.nullableString('instance_type'),
    daily_cost: r.integer('daily_cost', 0),
    metadata,
    agents,
  };
}

/** The AI task's app must be exactly one app of an agent that exists when the workspace runs. */
function aiTask(r: Reader, resources: ResourceDecl[]): { app_slug: string } {
  r.only(['app_slug']);
  const slug = r.string('app_slug');
  const apps = resources.filter((x) => x.transitions.includes('start')).flatMap((x) => x.agents.flatMap((a) => a.apps)).filter((a) => a.slug === slug);
  if (apps.length !== 1) throw new TemplateDocumentError(`${r.path}.app_slug: must name exactly one app of a started agent (found ${apps.length} named "${slug}")`);
  return { app_slug: slug };
}

function stage(r: Reader): StageDecl {
  r.only(['logs', 'error', 'hang']);
  const logsValue = r.raw('logs');
  const logs: LogDecl[] = [];
  if (logsValue !== undefined && logsValue !== null) {
    if (!Array.isArray(logsValue)) throw new TemplateDocumentError(`${r.path}.logs: must be an array`);
    logsValue.forEach((l, i) => {
      if (typeof l === 'string') logs.push({ level: 'info', output: l });
      else {
        const lr = Reader.of(l, `${r.path}.logs[${i}]`).only(['level', 'output']);
        logs.push({ level: lr.oneOf('level', LOG_LEVELS, 'info'), output: lr.string('output') });
      }
    });
  }
  return { logs, error: r.nullableString('error'), hang: r.bool('hang', false) };
}

function stages<K extends string>(r: Reader, names: readonly K[]): Record<K, StageDecl> {
  r.only([...names]);
  return Object.fromEntries(names.map((n) => [n, stage(r.child(n))])) as Record<K, StageDecl>;
}

/** Parses and validates a template document; errors name the offending field. */
export function parseTemplateDocument(text: string): TemplateDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TemplateDocumentError(`${TEMPLATE_DOCUMENT_FILE}: not valid JSON: ${(err as Error).message}`);
  }
  const r = Reader.of(json, TEMPLATE_DOCUMENT_FILE).only(['$schema', 'readme', 'ai_task', 'variables', 'parameters', 'resources', 'outcomes']);
  const variables = r.list('variables', variable);
  uniqueBy(variables, (v) => v.name, `${r.path}.variables`, 'variable name');
  const parameters = r.list('parameters', parameter);
  uniqueBy(parameters, (p) => p.name, `${r.path}.parameters`, 'parameter name');
  const resources = r.list('resources', resource);
  uniqueBy(resources, (x) => `${x.type}.${x.name}`, `${r.path}.resources`, 'resource');
  uniqueBy(resources.flatMap((x) => x.agents), (a) => a.name.toLowerCase(), `${r.path}.resources`, 'agent name');
  const o = r.child('outcomes').only(['import', 'start', 'stop', 'delete']);
  return {
    readme: r.string('readme', ''),
    ai_task: r.has('ai_task') ? aiTask(r.child('ai_task'), resources) : null,
    variables,
    parameters,
    resources,
    outcomes: {
      import: stages(o.child('import'), ['parse', 'plan'] as const),
      start: stages(o.child('start'), ['plan', 'apply'] as const),
      stop: stages(o.child('stop'), ['plan', 'apply'] as const),
      delete: stages(o.child('delete'), ['plan', 'apply'] as const),
    },
  };
}
