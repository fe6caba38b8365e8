// Incremental Server-Sent Events parsing (WHATWG event-stream rules) for reading usage out of a
// stream while its bytes pass through untouched. Chunks may split lines and UTF-8 sequences anywhere.

export interface SseEvent {
  /** The `event:` field; '' when the frame had none (OpenAI chat frames). */
  event: string;
  data: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder();
  private pending = '';
  private event = '';
  private data: string[] = [];

  /** Feeds bytes; returns the events completed by them. */
  push(chunk: Uint8Array): SseEvent[] {
    return this.lines(this.decoder.decode(chunk, { stream: true }), false);
  }

  /** The stream ended: a last frame without its blank line still counts. */
  end(): SseEvent[] {
    const out = this.lines(this.decoder.decode(), true);
    if (this.data.length > 0) out.push(this.dispatch());
    return out;
  }

  private lines(text: string, final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    const all = this.pending + text;
    let start = 0;
    for (let i = 0; i < all.length; i++) {
      const c = all.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (c === 13 && i === all.length - 1 && !final) break;
      this.line(all.slice(start, i), out);
      if (c === 13 && all.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.pending = all.slice(start);
    if (final && this.pending !== '') {
      this.line(this.pending, out);
      this.pending = '';
    }
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push(this.dispatch());
      else this.event = '';
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }

  private dispatch(): SseEvent {
    const e = { event: this.event, data: this.data.join('\n') };
    this.event = '';
    this.data = [];
    return e;
  }
}
