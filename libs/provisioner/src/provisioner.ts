// The one interface between the job runner and whatever turns a template into resources. The
// built-in implementation reads a JSON document (json-provisioner.ts); a Terraform-backed one would
// implement the same two calls and plug into the same runner and queue.
import type { CompletedJob, JobLog, ProvisionedResource, VariableValue } from './protocol.js';
import type { Transition } from './template-document.js';

export interface ProvisionerSession {
  /** Streams one log line to the person waiting on the job. */
  log(level: JobLog['level'], stage: string, output: string): void;
  /** Aborts when the job is cancelled or the daemon stops. */
  signal: AbortSignal;
}

export interface ImportRequest {
  /** The template author's variable values; a variable without one takes its default. */
  variables: VariableValue[];
}

export interface BuildRequest {
  transition: Transition;
  parameters: Array<{ name: string; value: string }>;
  /** The version's variables, as its import resolved them. */
  variables: VariableValue[];
  /** The previous build's state (empty for none). */
  state: Uint8Array;
  workspace: { id: string; name: string; owner: string; owner_id: string };
}

export interface BuildResult {
  state: Uint8Array;
  resources: ProvisionedResource[];
  ai_tasks: Array<{ id: string; app_id: string }>;
}

export type ImportResult = NonNullable<CompletedJob['template_import']>;

/** A failure to report to the user as the job's error (anything else is a daemon bug). */
export class ProvisionerError extends Error {}

/** The job was cancelled while the provisioner worked on it. */
export class ProvisionerCanceledError extends Error {
  constructor() {
    super('canceled');
  }
}

export interface Provisioner {
  importTemplate(source: Uint8Array, request: ImportRequest, session: ProvisionerSession): Promise<ImportResult>;
  build(source: Uint8Array, request: BuildRequest, session: ProvisionerSession): Promise<BuildResult>;
}
