// Shared helpers of the wire specs: feed a response to an observer whole, in fixed-size pieces or
// one byte at a time.
import type { Observation, WireApi } from '#enterprise/aibridge/gateway/wire/types.js';

const enc = new TextEncoder();

/** The observation of `text` (SSE when `stream`, a JSON body otherwise) fed in pieces of `chunk` bytes (0: whole). */
export function observe(api: WireApi, stream: boolean, text: string, chunk = 0): Observation {
  const o = api.observer(stream);
  const bytes = enc.encode(text);
  if (chunk <= 0) o.push(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) o.push(bytes.subarray(i, i + chunk));
  return o.finish();
}

/** A stream written with LF line ends, as CRLF. */
export const crlf = (text: string) => text.replace(/\n/g, '\r\n');

/** Deep copy, to prove a function left its input alone. */
export const snapshot = <T>(v: T): T => structuredClone(v);
