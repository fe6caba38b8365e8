// Providers from configuration (routes, upstream URLs) and the header rules of the proxy: the
// caller's Coder credentials never reach the provider, the provider key goes the provider's way.
import { describe, expect, it } from '@jest/globals';
import type { AibridgeProviderConfig } from '#coderd/config/aibridge-config.js';
import { gatewayProviders, passesThrough, upstreamUrl } from '#enterprise/aibridge/gateway/providers.js';
import { clientHeaders, upstreamHeaders } from '#enterprise/aibridge/gateway/upstream.js';
import { anthropicMessages } from '#enterprise/aibridge/gateway/wire/anthropic-messages.js';
import { openaiChat } from '#enterprise/aibridge/gateway/wire/openai-chat.js';
import { openaiResponses } from '#enterprise/aibridge/gateway/wire/openai-responses.js';

const OPENAI: AibridgeProviderConfig = {
  type: 'openai',
  name: 'openai',
  key: 'sk-proj-central',
  keyVariable: 'CODER_AIBRIDGE_OPENAI_KEY',
  baseUrl: 'https://api.openai.com/v1',
};
const ANTHROPIC: AibridgeProviderConfig = {
  type: 'anthropic',
  name: 'anthropic',
  key: 'sk-ant-central',
  keyVariable: 'CODER_AIBRIDGE_ANTHROPIC_KEY',
  baseUrl: 'https://api.anthropic.com',
};
const OPENROUTER: AibridgeProviderConfig = {
  type: 'openai',
  name: 'openrouter',
  key: 'sk-or-v1-x',
  keyVariable: 'CODER_AIBRIDGE_PROVIDER_0_KEY',
  baseUrl: 'https://openrouter.ai/api/v1',
};
const ANTHROPIC_CORP: AibridgeProviderConfig = {
  type: 'anthropic',
  name: 'anthropic-corp',
  key: 'k',
  keyVariable: 'CODER_AIBRIDGE_PROVIDER_1_KEY',
  baseUrl: 'https://llm-proxy.corp.example.com/anthropic',
};

describe('passesThrough', () => {
  const [openai, anthropic] = [...gatewayProviders([OPENAI, ANTHROPIC]).values()];
  it.each<[string, typeof openai, string, string, boolean]>([
    ['models', openai, 'GET', 'v1/models', true],
    ['one model', openai, 'GET', 'v1/models/gpt-4.1', true],
    ['deeper than one model', openai, 'GET', 'v1/models/a/b', false],
    ['POST models', openai, 'POST', 'v1/models', false],
    ['count_tokens on OpenAI', openai, 'POST', 'v1/messages/count_tokens', false],
    ['count_tokens on Anthropic', anthropic, 'POST', 'v1/messages/count_tokens', true],
    ['one Anthropic model', anthropic, 'GET', 'v1/models/claude-sonnet-4-6', true],
    ['files', openai, 'GET', 'v1/files', false],
  ])('%s', (_name, provider, method, path, expected) => {
    expect(passesThrough(provider, method, path)).toBe(expected);
  });
});

describe('gatewayProviders', () => {
  it('one entry per configured name, with the routes of its type', () => {
    const providers = gatewayProviders([OPENAI, ANTHROPIC, OPENROUTER, ANTHROPIC_CORP]);
    expect([...providers.keys()]).toEqual(['openai', 'anthropic', 'openrouter', 'anthropic-corp']);
    const routes = (name: string) => {
      const p = providers.get(name)!;
      return {
        config: { type: p.type, name: p.name, key: p.key, keyVariable: p.keyVariable, baseUrl: p.baseUrl },
        intercepted: [...p.intercepted].map(([path, api]) => [path, api.id]),
        passthrough: [...p.passthrough],
      };
    };
    const openaiRoutes = {
      intercepted: [
        ['v1/chat/completions', 'openai-chat'],
        ['v1/responses', 'openai-responses'],
      ],
      passthrough: ['GET v1/models', 'GET v1/models/*'],
    };
    const anthropicRoutes = { intercepted: [['v1/messages', 'anthropic-messages']], passthrough: ['GET v1/models', 'GET v1/models/*', 'POST v1/messages/count_tokens'] };
    expect(routes('openai')).toEqual({ config: OPENAI, ...openaiRoutes });
    expect(routes('openrouter')).toEqual({ config: OPENROUTER, ...openaiRoutes });
    expect(routes('anthropic')).toEqual({ config: ANTHROPIC, ...anthropicRoutes });
    expect(routes('anthropic-corp')).toEqual({ config: ANTHROPIC_CORP, ...anthropicRoutes });
  });

  it('the intercepted APIs are the wire modules themselves', () => {
    const providers = gatewayProviders([OPENAI, ANTHROPIC]);
    expect(providers.get('openai')!.intercepted.get('v1/chat/completions')).toBe(openaiChat);
    expect(providers.get('openai')!.intercepted.get('v1/responses')).toBe(openaiResponses);
    expect(providers.get('anthropic')!.intercepted.get('v1/messages')).toBe(anthropicMessages);
    // An OpenAI provider does not serve the Anthropic API, nor the other way round.
    expect(providers.get('openai')!.intercepted.get('v1/messages')).toBeUndefined();
    expect(providers.get('anthropic')!.intercepted.get('v1/chat/completions')).toBeUndefined();
    expect(providers.get('openai')!.passthrough.has('POST v1/messages/count_tokens')).toBe(false);
  });

  it('no providers: an empty map', () => {
    expect(gatewayProviders([]).size).toBe(0);
  });
});

describe('upstreamUrl', () => {
  it.each<[string, AibridgeProviderConfig, string, string, string]>([
    ['OpenAI chat: the base already ends in /v1', OPENAI, 'v1/chat/completions', '', 'https://api.openai.com/v1/chat/completions'],
    ['OpenAI responses', OPENAI, 'v1/responses', '', 'https://api.openai.com/v1/responses'],
    ['OpenAI models', OPENAI, 'v1/models', '', 'https://api.openai.com/v1/models'],
    ['an OpenAI-compatible base with a path', OPENROUTER, 'v1/chat/completions', '', 'https://openrouter.ai/api/v1/chat/completions'],
    ['an OpenAI query string is kept', OPENAI, 'v1/models', '?limit=5&after=gpt-4', 'https://api.openai.com/v1/models?limit=5&after=gpt-4'],
    [
      'an Azure-style base and api-version query',
      { ...OPENAI, baseUrl: 'https://my.openai.azure.com/openai/v1' },
      'v1/chat/completions',
      '?api-version=preview',
      'https://my.openai.azure.com/openai/v1/chat/completions?api-version=preview',
    ],
    ['Anthropic messages: the base stops at the host', ANTHROPIC, 'v1/messages', '', 'https://api.anthropic.com/v1/messages'],
    ['Anthropic: Claude Code’s ?beta=true is kept', ANTHROPIC, 'v1/messages', '?beta=true', 'https://api.anthropic.com/v1/messages?beta=true'],
    ['Anthropic count_tokens', ANTHROPIC, 'v1/messages/count_tokens', '', 'https://api.anthropic.com/v1/messages/count_tokens'],
    ['Anthropic models', ANTHROPIC, 'v1/models', '?limit=1000', 'https://api.anthropic.com/v1/models?limit=1000'],
    ['an Anthropic base with a path', ANTHROPIC_CORP, 'v1/messages', '', 'https://llm-proxy.corp.example.com/anthropic/v1/messages'],
  ])('%s', (_name, provider, path, query, url) => {
    expect(upstreamUrl(provider, path, query)).toBe(url);
  });
});

describe('upstreamHeaders', () => {
  /** What a Coder-authenticated coding agent sends (Node lower-cases header names). */
  const CLIENT = {
    host: 'coder.example.com',
    connection: 'keep-alive',
    'keep-alive': 'timeout=5',
    'proxy-authorization': 'Basic cHJveHk6cHc=',
    'proxy-connection': 'keep-alive',
    te: 'trailers',
    trailer: 'x-checksum',
    'transfer-encoding': 'chunked',
    upgrade: 'h2c',
    'content-length': '1234',
    authorization: 'Bearer coder-session-token-secret',
    'x-api-key': 'coder-session-token-secret',
    cookie: 'coder_session_token=coder-session-token-secret; other=1',
    'coder-session-token': 'coder-session-token-secret',
    'accept-encoding': 'gzip, deflate, br, zstd',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-host': 'coder.example.com',
    'x-forwarded-proto': 'https',
    forwarded: 'for=203.0.113.7;proto=https',
    expect: '100-continue',
    'content-type': 'application/json; charset=utf-8',
    accept: 'text/event-stream',
    'user-agent': 'claude-cli/2.0.14 (external, cli)',
    'anthropic-version': '2023-06-01',
    'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
    'openai-organization': 'org-abc',
    'openai-project': 'proj_abc',
    'openai-beta': 'responses=experimental',
    'x-stainless-lang': 'js',
    'x-claude-code-session-id': '4a1b7c2e-session',
    'x-multi': ['a', 'b'],
    'x-undefined': undefined,
  };
  const KEPT = {
    accept: 'text/event-stream',
    'user-agent': 'claude-cli/2.0.14 (external, cli)',
    'anthropic-version': '2023-06-01',
    'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
    'openai-organization': 'org-abc',
    'openai-project': 'proj_abc',
    'openai-beta': 'responses=experimental',
    'x-stainless-lang': 'js',
    'x-claude-code-session-id': '4a1b7c2e-session',
    'x-multi': ['a', 'b'],
  };

  it('OpenAI: everything dropped, the central key as Bearer, identity encoding, JSON body', () => {
    expect(upstreamHeaders(CLIENT, OPENAI, true)).toEqual({
      ...KEPT,
      'accept-encoding': 'identity',
      'content-type': 'application/json',
      authorization: 'Bearer sk-proj-central',
    });
  });

  it('Anthropic: the central key as x-api-key, no authorization header at all', () => {
    expect(upstreamHeaders(CLIENT, ANTHROPIC, true)).toEqual({
      ...KEPT,
      'accept-encoding': 'identity',
      'content-type': 'application/json',
      'x-api-key': 'sk-ant-central',
    });
  });

  it('no body (GET): the client’s content-type passes as it is, none is added', () => {
    expect(upstreamHeaders({ 'user-agent': 'OpenAI/JS 6.49.0' }, OPENAI, false)).toEqual({
      'user-agent': 'OpenAI/JS 6.49.0',
      'accept-encoding': 'identity',
      authorization: 'Bearer sk-proj-central',
    });
    expect(upstreamHeaders({ 'content-type': 'text/plain' }, ANTHROPIC, false)).toEqual({
      'content-type': 'text/plain',
      'accept-encoding': 'identity',
      'x-api-key': 'sk-ant-central',
    });
  });

  it('no Coder credential survives, whatever the provider type', () => {
    for (const provider of [OPENAI, ANTHROPIC, OPENROUTER, ANTHROPIC_CORP]) {
      const out = upstreamHeaders(CLIENT, provider, true);
      expect(JSON.stringify(out)).not.toContain('coder-session-token-secret');
      for (const dropped of ['host', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'cookie', 'coder-session-token', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'expect']) {
        expect([provider.name, dropped, dropped in out]).toEqual([provider.name, dropped, false]);
      }
    }
  });

  it('the caller’s object is not modified', () => {
    const client = { authorization: 'Bearer coder', 'x-api-key': 'coder', accept: '*/*' };
    upstreamHeaders(client, ANTHROPIC, true);
    expect(client).toEqual({ authorization: 'Bearer coder', 'x-api-key': 'coder', accept: '*/*' });
  });
});

describe('clientHeaders', () => {
  it('drops hop-by-hop headers and set-cookie; keeps the rest', () => {
    const upstream = {
      date: 'Tue, 14 Oct 2025 10:00:00 GMT',
      'content-type': 'text/event-stream; charset=utf-8',
      'content-length': '512',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'proxy-connection': 'keep-alive',
      te: 'trailers',
      trailer: 'x-checksum',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      'set-cookie': ['__cf_bm=abc; path=/; HttpOnly', '_cfuvid=def; path=/'],
      'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy',
      'x-request-id': 'req_fake_1',
      'anthropic-ratelimit-requests-remaining': '49',
      'openai-processing-ms': '120',
      'x-ratelimit-remaining-tokens': '29000',
      'retry-after': '1',
      'x-undefined': undefined,
    };
    expect(clientHeaders(upstream)).toEqual({
      date: 'Tue, 14 Oct 2025 10:00:00 GMT',
      'content-type': 'text/event-stream; charset=utf-8',
      'content-length': '512',
      'cache-control': 'no-cache',
      'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy',
      'x-request-id': 'req_fake_1',
      'anthropic-ratelimit-requests-remaining': '49',
      'openai-processing-ms': '120',
      'x-ratelimit-remaining-tokens': '29000',
      'retry-after': '1',
    });
  });

  it('an empty set', () => {
    expect(clientHeaders({})).toEqual({});
  });
});
