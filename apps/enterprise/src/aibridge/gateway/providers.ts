// The providers the gateway serves, from configuration: which client paths each one intercepts,
// which it passes through, and where upstream they go.
import type { AibridgeProviderConfig } from '#coderd/config/aibridge-config.js';
import { anthropicMessages } from './wire/anthropic-messages.js';
import { openaiChat } from './wire/openai-chat.js';
import { openaiResponses } from './wire/openai-responses.js';
import type { WireApi } from './wire/types.js';

export interface GatewayProvider extends AibridgeProviderConfig {
  /** Client path (after /api/v2/aibridge/<name>/) -> the intercepted API. */
  intercepted: ReadonlyMap<string, WireApi>;
  /** "METHOD path" pairs forwarded as they are, unrecorded; a trailing "/*" covers what follows. */
  passthrough: ReadonlySet<string>;
}

/** Whether `METHOD path` is one of the provider's passthrough routes. */
export function passesThrough(provider: GatewayProvider, method: string, path: string): boolean {
  if (provider.passthrough.has(`${method} ${path}`)) return true;
  const slash = path.lastIndexOf('/');
  return slash > 0 && provider.passthrough.has(`${method} ${path.slice(0, slash)}/*`);
}

const INTERCEPTED = {
  openai: new Map<string, WireApi>([
    ['v1/chat/completions', openaiChat],
    ['v1/responses', openaiResponses],
  ]),
  anthropic: new Map<string, WireApi>([['v1/messages', anthropicMessages]]),
} as const;

const PASSTHROUGH = {
  openai: new Set(['GET v1/models', 'GET v1/models/*']),
  anthropic: new Set(['GET v1/models', 'GET v1/models/*', 'POST v1/messages/count_tokens']),
} as const;

export function gatewayProviders(configs: readonly AibridgeProviderConfig[]): Map<string, GatewayProvider> {
  return new Map(configs.map((c) => [c.name, { ...c, intercepted: INTERCEPTED[c.type], passthrough: PASSTHROUGH[c.type] }]));
}

/**
 * The upstream URL of a client path. OpenAI base URLs end in /v1 (https://api.openai.com/v1) and
 * the client path repeats it; Anthropic base URLs stop at the host.
 */
export function upstreamUrl(provider: AibridgeProviderConfig, path: string, query: string): string {
  const rest = provider.type === 'openai' ? path.replace(/^v1(?=\/|$)/, '') : `/${path}`;
  return `${provider.baseUrl}${rest}${query}`;
}
