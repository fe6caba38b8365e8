// The HTTP client towards providers: pooled keep-alive connections (undici), connect and idle
// timeouts from configuration, and the header rules of a transparent proxy.
import { Agent, request, type Dispatcher } from 'undici';
import type { AibridgeConfig, AibridgeProviderConfig } from '#coderd/config/aibridge-config.js';

/** Never forwarded: hop-by-hop headers, the caller's Coder credentials, and what the proxy sets itself. */
const DROP_REQUEST = new Set([
  'host', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'content-length', 'authorization', 'x-api-key', 'cookie', 'coder-session-token', 'accept-encoding',
  'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'expect',
]);
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'set-cookie']);

export type Headers = Record<string, string | string[]>;

/** The caller's headers minus its credentials, plus the central provider key. */
export function upstreamHeaders(client: Record<string, string | string[] | undefined>, provider: AibridgeProviderConfig, hasBody: boolean): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || DROP_REQUEST.has(name)) continue;
    out[name] = value;
  }
  // Bytes pass through to the client as they come and are read for usage: no compression.
  out['accept-encoding'] = 'identity';
  if (hasBody) out['content-type'] = 'application/json';
  if (provider.type === 'openai') out.authorization = `Bearer ${provider.key}`;
  else out['x-api-key'] = provider.key;
  return out;
}

export function clientHeaders(upstream: Record<string, string | string[] | undefined>): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value !== undefined && !DROP_RESPONSE.has(name)) out[name] = value;
  }
  return out;
}

export class Upstream {
  private readonly agent: Agent;

  constructor(config: Pick<AibridgeConfig, 'connectTimeoutMs' | 'idleTimeoutMs'>) {
    this.agent = new Agent({
      connect: { timeout: config.connectTimeoutMs },
      headersTimeout: config.idleTimeoutMs,
      bodyTimeout: config.idleTimeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  send(url: string, method: 'GET' | 'POST', headers: Headers, body: string | undefined, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    return request(url, { method, headers, body, signal, dispatcher: this.agent });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
