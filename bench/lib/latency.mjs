// Sub-millisecond latency at a fixed request rate (autocannon reports whole milliseconds, too coarse
// for "the gateway adds at most 1 ms"). Each request is timed with performance.now() over one
// keep-alive pool; requests are sent on schedule whether or not earlier ones have finished.
import { Agent, request } from 'undici';

export function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(samples, errors, seconds) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  return { requests: samples.length, errors, seconds, mean, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

/**
 * Sends `rate` requests per second for `seconds`. `firstByte`: time to the first body byte (a
 * stream's first event) instead of to the end of the body.
 */
export async function fixedRate({ url, headers, body, rate, seconds, firstByte = false, method = 'POST' }) {
  const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const samples = [];
  let errors = 0;
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const start = performance.now();
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      (async () => {
        const t0 = performance.now();
        try {
          const res = await request(url, { method, headers, body, dispatcher: agent });
          let t = undefined;
          for await (const chunk of res.body) {
            if (t === undefined && chunk.length > 0) t = performance.now();
            if (firstByte) continue;
          }
          const done = performance.now();
          if (res.statusCode !== 200) errors++;
          else samples.push((firstByte ? t ?? done : done) - t0);
        } catch {
          errors++;
        }
      })(),
    );
  }
  await Promise.all(inflight);
  await agent.close();
  return summary(samples, errors, (performance.now() - start) / 1000);
}
