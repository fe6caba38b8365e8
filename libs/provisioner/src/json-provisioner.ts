// The built-in provisioner: plays Coder's echo provisioner's role with a JSON template document in
// place of Terraform. Stages log what the document says, fail where it says, or wait until cancelled.
import { randomUUID } from 'node:crypto';
import { readTarFile } from './archive.js';
import type { ProvisionedResource, ResolvedVariable, VariableValue } from './protocol.js';
import {
  ProvisionerCanceledError,
  ProvisionerError,
  type BuildRequest,
  type BuildResult,
  type ImportRequest,
  type ImportResult,
  type Provisioner,
  type ProvisionerSession,
} from './provisioner.js';
import { TarFormatError } from './tar.js';
import {
  parseTemplateDocument,
  TEMPLATE_DOCUMENT_FILE,
  TemplateDocumentError,
  type ResourceDecl,
  type StageDecl,
  type TemplateDocument,
  type Transition,
  type VariableDecl,
  variableValueProblem,
} from './template-document.js';

/** What the built-in provisioner keeps as a build's state: the resources that exist after it. */
interface JsonState {
  transition: Transition;
  resources: string[];
}

/** Coder's names for the apply stage of each transition, as its job logs show them. */
const APPLY_STAGE = { start: 'Starting workspace', stop: 'Stopping workspace', delete: 'Destroying workspace' } as const;

export class JsonProvisioner implements Provisioner {
  async importTemplate(source: Uint8Array, request: ImportRequest, session: ProvisionerSession): Promise<ImportResult> {
    session.log('info', 'Parse', `Reading ${TEMPLATE_DOCUMENT_FILE}`);
    const doc = this.document(source);
    await this.stage(doc.outcomes.import.parse, 'Parse', session);
    const { variables, ignored } = resolveVariables(doc.variables, request.variables);
    for (const name of ignored) session.log('warn', 'Parse', `Value for undeclared variable "${name}" ignored.`);
    await this.stage(doc.outcomes.import.plan, 'Detecting persistent resources', session);
    const context: Interpolation = {
      workspace: { id: '', name: '', owner: '', owner_id: '' },
      parameters: new Map<string, string>(),
      variables: new Map(variables.map((v) => [v.name, v.value])),
    };
    return {
      start_resources: this.resources(doc, 'start', context),
      stop_resources: this.resources(doc, 'stop', context),
      rich_parameters: doc.parameters,
      variables,
      readme: doc.readme || (readTarFile(source, 'README.md') ?? ''),
      has_ai_tasks: doc.ai_task !== null,
    };
  }

  async build(source: Uint8Array, req: BuildRequest, session: ProvisionerSession): Promise<BuildResult> {
    const doc = this.document(source);
    const outcome = doc.outcomes[req.transition];
    const parameters = new Map(req.parameters.map((p) => [p.name, p.value]));
    const variables = new Map(req.variables.map((v) => [v.name, v.value]));
    const resources = this.resources(doc, req.transition, { workspace: req.workspace, parameters, variables });
    // One line per stage says what it did, as Terraform's plan and apply summaries do.
    session.log('info', 'Planning infrastructure', `Plan: ${resources.length} resource(s) for ${req.transition}.`);
    await this.stage(outcome.plan, 'Planning infrastructure', session);
    await this.stage(outcome.apply, APPLY_STAGE[req.transition], session);
    session.log('info', APPLY_STAGE[req.transition], `Apply complete! Resources: ${resources.length}.`);
    const state: JsonState = { transition: req.transition, resources: resources.map((r) => `${r.type}.${r.name}`) };
    return { state: new TextEncoder().encode(JSON.stringify(state)), resources, ai_tasks: this.aiTasks(doc, resources) };
  }

  /** A started workspace of an AI-task template runs its task in the app the document names. */
  private aiTasks(doc: TemplateDocument, resources: ProvisionedResource[]): Array<{ id: string; app_id: string }> {
    const slug = doc.ai_task?.app_slug;
    const app = slug === undefined ? undefined : resources.flatMap((r) => r.agents.flatMap((a) => a.apps)).find((a) => a.slug === slug);
    return app ? [{ id: randomUUID(), app_id: app.id }] : [];
  }

  private document(source: Uint8Array): TemplateDocument {
    let text: string | undefined;
    try {
      text = readTarFile(source, TEMPLATE_DOCUMENT_FILE);
    } catch (err) {
      if (err instanceof TarFormatError) throw new ProvisionerError(err.message);
      throw err;
    }
    if (text === undefined) {
      throw new ProvisionerError(
        `The template has no ${TEMPLATE_DOCUMENT_FILE} at its root. This server's built-in provisioner reads that JSON document in place of Terraform (see docs/templates.md).`,
      );
    }
    try {
      return parseTemplateDocument(text);
    } catch (err) {
      if (err instanceof TemplateDocumentError) throw new ProvisionerError(err.message);
      throw err;
    }
  }

  private async stage(decl: StageDecl, stage: string, session: ProvisionerSession): Promise<void> {
    if (session.signal.aborted) throw new ProvisionerCanceledError();
    for (const l of decl.logs) session.log(l.level, stage, l.output);
    if (decl.error !== null) throw new ProvisionerError(decl.error);
    if (decl.hang) {
      session.log('info', stage, 'Waiting until the job is canceled (the template document says "hang")');
      await new Promise<void>((resolve) => {
        if (session.signal.aborted) resolve();
        else session.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      throw new ProvisionerCanceledError();
    }
  }

  /** The resources a transition leaves; a delete leaves none. New agent ids and tokens per build, as Terraform's. */
  private resources(doc: TemplateDocument, transition: Transition, ctx: Interpolation): ProvisionedResource[] {
    if (transition === 'delete') return [];
    return doc.resources.filter((r) => r.transitions.includes(transition)).map((r) => this.resource(r, ctx));
  }

  private resource(r: ResourceDecl, ctx: Interpolation): ProvisionedResource {
    const s = (v: string) => interpolate(v, ctx);
    return {
      name: r.name,
      type: r.type,
      hide: r.hide,
      icon: r.icon,
      instance_type: r.instance_type,
      daily_cost: r.daily_cost,
      metadata: r.metadata.map((m) => ({ key: m.key, value: m.value === null ? null : s(m.value), sensitive: m.sensitive })),
      agents: r.agents.map((a) => ({
        id: randomUUID(),
        name: a.name,
        token: a.token ?? randomUUID(),
        external: a.external,
        metadata: a.metadata,
        operating_system: a.operating_system,
        architecture: a.architecture,
        directory: s(a.directory),
        env: Object.fromEntries(Object.entries(a.env).map(([k, v]) => [k, s(v)])),
        connection_timeout_seconds: a.connection_timeout_seconds,
        troubleshooting_url: a.troubleshooting_url,
        motd_file: a.motd_file,
        order: a.order,
        apps: a.apps.map((app) => ({ ...app, id: randomUUID(), url: app.url === null ? null : s(app.url), command: app.command === null ? null : s(app.command) })),
        scripts: a.scripts.map((sc) => ({ ...sc })),
      })),
    };
  }
}

interface Interpolation {
  workspace: BuildRequest['workspace'];
  parameters: Map<string, string>;
  variables: Map<string, string>;
}

/**
 * The document's variables with the author's values: a given value wins, else the default. Like
 * Terraform's plan, the import fails when a required variable has no value or a value does not fit
 * its type; values for undeclared variables are only named (`ignored`), as Terraform warns of them,
 * since clients send the previous version's values along with a new version.
 */
export function resolveVariables(decls: VariableDecl[], given: VariableValue[]): { variables: ResolvedVariable[]; ignored: string[] } {
  const values = new Map(given.map((v) => [v.name, v.value]));
  const missing = decls.filter((d) => d.required && !values.has(d.name)).map((d) => d.name);
  if (missing.length > 0) throw new ProvisionerError(`Required template variables need values: ${missing.join(', ')}. Set them in user_variable_values.`);
  const variables = decls.map((d) => {
    const value = values.get(d.name) ?? d.default_value;
    const problem = variableValueProblem(d.type, value);
    if (problem) throw new ProvisionerError(`Variable "${d.name}": ${problem}.`);
    return { ...d, value };
  });
  return { variables, ignored: [...values.keys()].filter((name) => !decls.some((d) => d.name === name)) };
}

/**
 * `${parameter.NAME}`, `${var.NAME}`, `${workspace.name}`, `${workspace.id}`, `${workspace.owner}` and
 * `${workspace.owner_id}` in metadata values, env values, directories, app URLs and commands: the
 * few data sources a Terraform template reads most. Anything else is left as written.
 */
export function interpolate(value: string, ctx: Interpolation): string {
  return value.replace(/\$\{(parameter|var|workspace)\.([A-Za-z0-9_-]+)\}/g, (whole, kind: string, key: string) => {
    if (kind === 'parameter') return ctx.parameters.get(key) ?? whole;
    if (kind === 'var') return ctx.variables.get(key) ?? whole;
    const w = ctx.workspace as unknown as Record<string, string>;
    return Object.hasOwn(w, key) ? w[key] : whole;
  });
}
