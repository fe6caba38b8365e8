// The shared half of every response observer: SSE frames or one JSON body in, an Observation out.
import { SseParser } from './sse.js';
import { JsonBody, parseJsonObject, type Observation, type ResponseObserver } from './types.js';

export abstract class WireObserver implements ResponseObserver {
  private readonly sse = new SseParser();
  private readonly json = new JsonBody();

  constructor(private readonly stream: boolean) {}

  push(chunk: Uint8Array): void {
    if (!this.stream) {
      this.json.push(chunk);
      return;
    }
    for (const e of this.sse.push(chunk)) this.frame(e.data);
  }

  finish(): Observation {
    if (this.stream) for (const e of this.sse.end()) this.frame(e.data);
    else this.onBody(this.json.parse());
    return this.observation();
  }

  /** One streamed event whose data is a JSON object (anything else, e.g. `[DONE]`, is skipped). */
  protected abstract onEvent(event: Record<string, unknown>): void;
  /** The whole blocking body; undefined when it was not a JSON object (an error page, say). */
  protected abstract onBody(body: Record<string, unknown> | undefined): void;
  protected abstract observation(): Observation;

  private frame(data: string): void {
    const event = parseJsonObject(data);
    if (event) this.onEvent(event);
  }
}
