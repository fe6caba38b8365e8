// The daemon protocol over HTTP, for a daemon running outside coderd: the same messages the built-in
// daemons exchange in-process, authenticated with a provisioner key (docs/provisioners.md).
import {
  PROVISIONER_KEY_HEADER,
  type AcquiredJob,
  type CompletedJob,
  type DaemonApi,
  type DaemonRegistration,
  type FailedJob,
  type RegisteredDaemon,
  type UpdateJobRequest,
  type UpdateJobResponse,
} from './protocol.js';

export class DaemonHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class HttpDaemonApi implements DaemonApi {
  private constructor(
    private readonly baseUrl: string,
    private readonly key: string,
    readonly daemon: RegisteredDaemon,
    private readonly waitMs: number,
  ) {}

  /** Registers the daemon (or takes over its row after a restart) and answers a client for it. */
  static async register(baseUrl: string, key: string, registration: DaemonRegistration, waitMs = 25_000): Promise<HttpDaemonApi> {
    const daemon = (await send(baseUrl, key, 'POST', '/api/v2/provisionerdaemons/register', registration)) as RegisteredDaemon;
    return new HttpDaemonApi(baseUrl.replace(/\/+$/, ''), key, daemon, waitMs);
  }

  /** Long-polls until a job comes or `signal` aborts. */
  async acquire(signal: AbortSignal): Promise<AcquiredJob | null> {
    while (!signal.aborted) {
      try {
        const job = await send(this.baseUrl, this.key, 'POST', `${this.path}/acquire?wait_ms=${this.waitMs}`, {}, signal);
        if (job) return job as AcquiredJob;
      } catch (err) {
        if (signal.aborted) return null;
        throw err;
      }
    }
    return null;
  }

  async update(req: UpdateJobRequest): Promise<UpdateJobResponse> {
    return (await send(this.baseUrl, this.key, 'POST', `${this.path}/update`, req)) as UpdateJobResponse;
  }

  async complete(job: CompletedJob): Promise<void> {
    await send(this.baseUrl, this.key, 'POST', `${this.path}/complete`, job);
  }

  async fail(job: FailedJob): Promise<void> {
    await send(this.baseUrl, this.key, 'POST', `${this.path}/fail`, job);
  }

  private get path(): string {
    return `/api/v2/provisionerdaemons/${this.daemon.id}`;
  }
}

/** One request; answers the JSON body (undefined for 204), throws DaemonHttpError with the server's message otherwise. */
async function send(baseUrl: string, key: string, method: string, path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
  const res = await fetch(baseUrl.replace(/\/+$/, '') + path, {
    method,
    headers: { [PROVISIONER_KEY_HEADER]: key, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      const e = JSON.parse(text) as { message?: string; detail?: string };
      message = [e.message, e.detail].filter(Boolean).join(' ');
    } catch {
      // not JSON: keep the text
    }
    throw new DaemonHttpError(res.status, `${method} ${path}: ${res.status} ${message}`);
  }
  return JSON.parse(text);
}
