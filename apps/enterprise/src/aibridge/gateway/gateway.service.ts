import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Dispatcher } from 'undici';
import { ApiError } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { clientIp, header, type AnyRequest } from '#httpapi/http.js';
import { clientGone, takeRawResponse } from '#httpapi/raw-response.js';
import { bearerToken } from '#httpapi/token.js';
import { Authenticator, SIGNED_OUT_MESSAGE } from '#coderd/auth/authenticator.service.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import type { DeploymentConfig } from '#coderd/config/config.js';
import { DEPLOYMENT_CONFIG } from '#coderd/tokens.js';
import { BudgetEnforcer, type Reservation } from '../budgets/budget-enforcer.service.js';
import { ModelPricesService } from '../budgets/model-prices.service.js';
import { InterceptionRecorder } from '../recording/recorder.service.js';
import { guessClient } from './client.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { Overload } from './overload.js';
import { gatewayProviders, passesThrough, upstreamUrl, type GatewayProvider } from './providers.js';
import { Upstream, clientHeaders, upstreamHeaders } from './upstream.js';
import type { Observation, PreparedRequest, WireApi } from './wire/types.js';

/** The gateway's routes as the client sees them, for errors that name the route. */
export const AIBRIDGE_ROOT = '/api/v2/aibridge';

interface Exchange {
  provider: GatewayProvider;
  path: string;
  method: 'GET' | 'POST';
  req: AnyRequest;
  res: unknown;
}

/**
 * AI Bridge's data plane: admits (capacity, then rate), authenticates the developer's Coder token,
 * swaps it for the provider's key, streams the provider's answer back byte for byte, and records
 * the interception from what passed by.
 */
@Injectable()
export class GatewayService implements OnApplicationShutdown {
  private readonly providers: Map<string, GatewayProvider>;
  private readonly upstream: Upstream;
  readonly overload: Overload;

  constructor(
    @Inject(DEPLOYMENT_CONFIG) config: DeploymentConfig,
    private readonly authenticator: Authenticator,
    private readonly authz: AuthzService,
    private readonly recorder: InterceptionRecorder,
    private readonly metrics: GatewayMetrics,
    private readonly budgets: BudgetEnforcer,
    private readonly prices: ModelPricesService,
  ) {
    this.providers = gatewayProviders(config.aibridge.providers);
    this.upstream = new Upstream(config.aibridge);
    this.overload = new Overload(config.aibridge.maxConcurrency, config.aibridge.rateLimit);
    // Settled spend counts against the budget as unwritten until the recorder has written it.
    recorder.onSpendWritten((spend) => budgets.written(spend));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.upstream.close();
  }

  /** Serves one request for `<provider>/<path>`; anything the provider does not offer is 404. */
  async handle(providerName: string, path: string, method: 'GET' | 'POST', req: AnyRequest, res: unknown): Promise<void> {
    const provider = this.providers.get(providerName);
    const api = method === 'POST' ? provider?.intercepted.get(path) : undefined;
    if (!provider || (!api && !passesThrough(provider, method, path))) throw routeNotSupported(method, `/${providerName}/${path}`);
    const { token, rateKey } = credentials(req);
    this.overload.admit(rateKey);
    try {
      const actor = await this.authenticate(token, req);
      if (!provider.key) {
        throw new ApiError(503, `AI Bridge provider "${provider.name}" has no key configured.`, `An administrator must set ${provider.keyVariable}.`);
      }
      const exchange: Exchange = { provider, path, method, req, res };
      if (api) await this.intercept(exchange, api, actor);
      else await this.forward(exchange);
    } finally {
      this.overload.release();
    }
  }

  private async authenticate(token: string | undefined, req: AnyRequest): Promise<Actor> {
    if (!token) {
      throw new ApiError(401, SIGNED_OUT_MESSAGE, 'Send your Coder token as "Authorization: Bearer <token>" or "X-Api-Key: <token>".', undefined, {
        'WWW-Authenticate': 'Bearer realm="coder"',
      });
    }
    const actor = await this.authenticator.authenticate(token, clientIp(req));
    // A token scoped away from AI Bridge (or a user without the right) may not use it.
    if (!this.authz.can(actor, 'create', { type: 'aibridge_interception', ownerId: actor.userId })) {
      throw new ApiError(403, 'Forbidden.', 'This token may not use AI Bridge.');
    }
    return actor;
  }

  private async intercept(x: Exchange, api: WireApi, actor: Actor): Promise<void> {
    const prepared = api.prepare(x.req.body);
    if (typeof prepared === 'string') throw new ApiError(400, 'Invalid request body.', prepared);
    const body = JSON.stringify(prepared.body);
    // Refused here (403) when the user's budget cannot cover what this request may cost.
    const reservation = await this.budgets.reserve(
      actor.userId,
      this.prices.estimate(x.provider.type, prepared.model, Buffer.byteLength(body), maxOutputTokens(prepared.body)),
    );
    const id = randomUUID();
    const started = Date.now();
    const userAgent = header(x.req, 'user-agent') ?? '';
    this.recorder.start({
      id,
      initiatorId: actor.userId,
      apiKeyId: actor.apiKeyId,
      provider: x.provider.type,
      providerName: x.provider.name,
      model: prepared.model,
      client: guessClient(userAgent),
      userAgent,
      metadata: { stream: prepared.stream },
      startedAt: new Date(started),
    });
    const labels = { provider: x.provider.name };
    this.metrics.inflight.inc(labels);
    let status = 0;
    let observation: Observation | undefined;
    let outcome: Record<string, unknown> = {};
    try {
      const result = await this.proxy(x, body, (statusCode, headers) => {
        status = statusCode;
        return statusCode < 300 ? api.observer(prepared.stream && isEventStream(headers)) : undefined;
      });
      observation = result.observation;
      outcome = result.outcome;
    } finally {
      this.metrics.inflight.dec(labels);
      this.finishInterception(id, x.provider, prepared, reservation, status, observation, outcome, started);
    }
  }

  private finishInterception(
    id: string,
    provider: GatewayProvider,
    prepared: PreparedRequest,
    reservation: Reservation,
    status: number,
    o: Observation | undefined,
    outcome: Record<string, unknown>,
    started: number,
  ): void {
    const endedAt = new Date();
    const model = prepared.model;
    const cost = o?.usage ? this.prices.cost(provider.type, model, o.usage) : { micros: 0, priced: true };
    if (o?.usage && !cost.priced) this.metrics.unpricedUsages.inc({ provider: provider.name, model });
    this.budgets.settle(reservation, cost.micros);
    this.recorder.end(id, {
      endedAt,
      metadata: { upstream_status: status, ...outcome },
      providerResponseId: o?.providerResponseId ?? '',
      usage: o?.usage,
      prompt: prepared.prompt,
      toolUses: o?.toolUses ?? [],
      cost: { ...cost, effectiveGroupId: reservation.budget?.groupId ?? null, userId: reservation.userId, periodStart: reservation.periodStart },
    });
    this.metrics.interceptions.inc({ provider: provider.name, model, status: String(status) });
    this.metrics.duration.observe({ provider: provider.name, status: String(status) }, (endedAt.getTime() - started) / 1000);
    if (o?.usage) {
      const u = o.usage;
      for (const [type, n] of [['input', u.input], ['output', u.output], ['cache_read', u.cacheRead], ['cache_write', u.cacheWrite]] as const) {
        if (n > 0) this.metrics.tokens.inc({ provider: provider.name, model, type }, n);
      }
    }
  }

  /** Passthrough routes: forwarded with the provider key, not recorded. */
  private async forward(x: Exchange): Promise<void> {
    const body = x.method === 'POST' ? JSON.stringify(x.req.body ?? {}) : undefined;
    await this.proxy(x, body, () => undefined);
  }

  /**
   * Sends the request upstream and streams the answer to the client as it arrives. Before the first
   * byte is written, failures become Coder error bodies; after it, the client's response simply
   * ends. The client going away aborts the upstream request.
   */
  private async proxy(
    x: Exchange,
    body: string | undefined,
    observe: (status: number, headers: Dispatcher.ResponseData['headers']) => { push(c: Uint8Array): void; finish(): Observation } | undefined,
  ): Promise<{ observation?: Observation; outcome: Record<string, unknown> }> {
    const gone = clientGone(x.res);
    const url = upstreamUrl(x.provider, x.path, queryString(x.req));
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await this.upstream.send(url, x.method, upstreamHeaders(x.req.headers, x.provider, body !== undefined), body, gone.signal);
    } catch (err) {
      gone.release();
      if (gone.signal.aborted) {
        // Nobody is listening any more; release the response without answering.
        takeRawResponse(x.res).destroy();
        return { outcome: { client_aborted: true } };
      }
      throw upstreamError(err);
    }
    const observer = observe(upstream.statusCode, upstream.headers);
    const out = takeRawResponse(x.res);
    const status = upstream.statusCode;
    const headers = clientHeaders(upstream.headers);
    const outcome: Record<string, unknown> = {};
    const write = async (chunk: Uint8Array) => {
      if (!out.write(chunk)) await once(out, 'drain', { signal: gone.signal });
    };
    try {
      const chunks = upstream.body as AsyncIterable<Uint8Array>;
      if (String(upstream.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        // A stream: every event goes out the moment it arrives.
        out.writeHead(status, headers);
        for await (const chunk of chunks) {
          await write(chunk);
          observer?.push(chunk);
        }
        out.end();
      } else {
        // A whole answer: one chunk is held back so that the last one ends the response in the same
        // socket write (no separate chunked-encoding terminator), and an answer that arrived in one
        // piece goes out with a Content-Length, headers and body in one write.
        let held: Uint8Array | undefined;
        for await (const chunk of chunks) {
          observer?.push(chunk);
          if (held) {
            if (!out.headersSent) out.writeHead(status, headers);
            await write(held);
          }
          held = chunk;
        }
        if (!out.headersSent) {
          if (headers['content-length'] === undefined && status !== 204 && status !== 304) headers['content-length'] = String(held?.byteLength ?? 0);
          out.writeHead(status, headers);
        }
        out.end(held);
      }
    } catch (err) {
      // Mid-stream: the status line is gone, so the only signal left is ending the response early.
      if (gone.signal.aborted) outcome.client_aborted = true;
      else outcome.upstream_error = errorText(err);
      upstream.body.destroy();
      out.destroy();
    } finally {
      gone.release();
    }
    return { observation: observer?.finish(), outcome };
  }
}

/** The output cap a request names (each API spells it its own way), for the budget reservation. */
function maxOutputTokens(body: Record<string, unknown>): number | undefined {
  for (const k of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
    const v = body[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  }
  return undefined;
}

/** The Coder token: `Authorization: Bearer` (OpenAI clients) or `X-Api-Key` (Anthropic clients). */
function credentials(req: AnyRequest): { token?: string; rateKey: string } {
  const token = bearerToken(req) || header(req, 'x-api-key') || undefined;
  return { token, rateKey: token ?? `ip:${clientIp(req)}` };
}

export function routeNotSupported(method: string, path: string): ApiError {
  return new ApiError(404, `route not supported: ${method} ${path}`);
}

function queryString(req: AnyRequest): string {
  const url = (req.originalUrl as string | undefined) ?? req.raw?.url ?? req.url ?? '';
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q);
}

function isEventStream(headers: Dispatcher.ResponseData['headers']): boolean {
  const ct = headers['content-type'];
  return (Array.isArray(ct) ? ct[0] : ct ?? '').toLowerCase().startsWith('text/event-stream');
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Before any byte was sent: a timeout is 504, anything else reaching the provider 502. */
function upstreamError(err: unknown): ApiError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new ApiError(504, 'Timed out waiting for the AI provider.', errorText(err));
  }
  return new ApiError(502, 'Failed to reach the AI provider.', errorText(err));
}
