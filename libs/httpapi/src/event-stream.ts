import type { ServerResponse } from 'node:http';

export interface EventStreamSource {
  /** Writes what is new through `send`; answers true when the stream is complete. */
  read(send: (data: unknown) => void): Promise<boolean>;
  /** Calls `wake` whenever there may be something new; answers the unsubscribe function. */
  watch(wake: () => void): () => void;
}

/**
 * Follows a source as Server-Sent Events, one `data` event per item: reads once, then again at each
 * wake-up, one read at a time. Ends when the source is complete or fails, the client leaves, or
 * `signal` aborts (the server draining), so a follower never holds a shutdown.
 */
export async function streamEvents(out: ServerResponse, source: EventStreamSource, signal: AbortSignal): Promise<void> {
  out.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  let ended = false;
  let stop: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (stop = resolve));
  const end = () => {
    ended = true;
    stop();
  };
  const send = (data: unknown) => out.write(`event: data\ndata: ${JSON.stringify(data)}\n\n`);
  let reading = Promise.resolve();
  const read = () => {
    reading = reading
      .then(async () => {
        if (!ended && (await source.read(send))) end();
      })
      .catch(end);
  };
  const unwatch = source.watch(read);
  out.on('close', end);
  signal.addEventListener('abort', end, { once: true });
  if (signal.aborted) end();
  read();
  await finished;
  unwatch();
  signal.removeEventListener('abort', end);
  if (!out.writableEnded) out.end();
}
