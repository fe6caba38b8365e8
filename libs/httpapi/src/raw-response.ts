import type { ServerResponse } from 'node:http';

interface HijackableReply {
  hijack(): void;
  raw: ServerResponse;
  getHeaders(): Record<string, string | number | string[] | undefined>;
}

/**
 * Takes the response over for streaming: a Fastify reply is hijacked (the headers it already holds,
 * such as the request id, are copied to the raw response); an Express response is already raw.
 */
export function takeRawResponse(res: unknown): ServerResponse {
  const reply = res as Partial<HijackableReply>;
  if (typeof reply.hijack === 'function' && reply.raw && typeof reply.getHeaders === 'function') {
    const headers = reply.getHeaders();
    reply.hijack();
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) reply.raw.setHeader(name, value);
    return reply.raw;
  }
  return res as ServerResponse;
}

/** The Node response under a Fastify reply (or an Express response itself), for its 'close' event. */
export function nodeResponse(res: unknown): ServerResponse {
  const r = res as { raw?: ServerResponse };
  return r.raw ?? (res as ServerResponse);
}

/**
 * An AbortSignal that fires when the client goes away before the response is finished, so that
 * work done only for it (a long poll, an upstream request) stops.
 */
export function clientGone(res: unknown): { signal: AbortSignal; release: () => void } {
  const raw = nodeResponse(res);
  const abort = new AbortController();
  const onClose = () => {
    if (!raw.writableFinished) abort.abort();
  };
  raw.once('close', onClose);
  return { signal: abort.signal, release: () => raw.off('close', onClose) };
}
