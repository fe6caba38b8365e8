// A bounded background load for fault specs: a few workers, each sending one request at a time, every
// outcome kept (answers and connection failures alike) so the spec can judge them afterwards.

export interface Outcome {
  /** What the worker sent, e.g. `POST /tokens`. */
  kind: string;
  /** Date.now() when the request was sent. */
  at: number;
  /** Milliseconds until the answer (or the failure). */
  ms: number;
  status?: number;
  body?: unknown;
  retryAfter?: string | null;
  /** The connection-level failure (ECONNREFUSED, ECONNRESET, ...), or `timeout` past the bound. */
  error?: string;
}

/** Longest a request may take before it counts as hung. */
export const HANG_BOUND_MS = 15_000;

/** One request through fetch; never throws. */
export async function send(kind: string, url: string, init: RequestInit = {}): Promise<Outcome> {
  const at = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(HANG_BOUND_MS) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { kind, at, ms: Date.now() - at, status: res.status, body, retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    return { kind, at, ms: Date.now() - at, error: failureCode(err) };
  }
}

function failureCode(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? e?.cause?.name ?? String(err);
}

/** `workers` loops, each running `step` until stop(), or until an outcome `lastOne` accepts. */
export class Load {
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(workers: number, step: (worker: number, n: number) => Promise<Outcome>, lastOne: (o: Outcome) => boolean = () => false, pauseMs = 20) {
    this.loops = Array.from({ length: workers }, async (_, worker) => {
      for (let n = 0; this.running; n++) {
        const outcome = await step(worker, n);
        this.outcomes.push(outcome);
        if (lastOne(outcome)) return;
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    });
  }

  /** Outcomes of requests sent at or after `since`. */
  since(since: number): Outcome[] {
    return this.outcomes.filter((o) => o.at >= since);
  }

  async stop(): Promise<Outcome[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.outcomes;
  }
}
