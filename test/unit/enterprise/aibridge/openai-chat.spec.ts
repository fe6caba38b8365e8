// OpenAI Chat Completions on the wire: request preparation (stream usage forced on) and what the
// observer reads from blocking bodies and SSE streams (usage, cached tokens, tool calls).
import { describe, expect, it } from '@jest/globals';
import { openaiChat, openaiUsage } from '#enterprise/aibridge/gateway/wire/openai-chat.js';
import type { Observation, ObservedUsage, PreparedRequest } from '#enterprise/aibridge/gateway/wire/types.js';
import { FAKE_USAGE } from '../../../support/fake-llm.mjs';
import { crlf, observe, snapshot } from './wire-helpers.js';

const NOT_OBJECT = 'The request body must be a JSON object.';
const NO_MODEL = 'The request body must name a "model".';

describe('openaiChat', () => {
  it('describes the API', () => {
    expect({ id: openaiChat.id, provider: openaiChat.provider, upstreamPath: openaiChat.upstreamPath }).toEqual({
      id: 'openai-chat',
      provider: 'openai',
      upstreamPath: '/chat/completions',
    });
  });
});

describe('openaiChat.prepare', () => {
  it.each<[string, unknown, string]>([
    ['null', null, NOT_OBJECT],
    ['undefined', undefined, NOT_OBJECT],
    ['an array', [{ model: 'gpt-4.1' }], NOT_OBJECT],
    ['a string', '{"model":"gpt-4.1"}', NOT_OBJECT],
    ['a number', 42, NOT_OBJECT],
    ['no model', { messages: [] }, NO_MODEL],
    ['an empty model', { model: '', messages: [] }, NO_MODEL],
    ['a numeric model', { model: 4, messages: [] }, NO_MODEL],
    ['a null model', { model: null, messages: [] }, NO_MODEL],
  ])('rejects %s', (_name, body, message) => {
    expect(openaiChat.prepare(body)).toBe(message);
  });

  it('a blocking request is sent unchanged', () => {
    const body = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: false } };
    const before = snapshot(body);
    const expected: PreparedRequest = { body: before, model: 'gpt-4.1', stream: false, prompt: 'hi' };
    expect(openaiChat.prepare(body)).toEqual(expected);
    expect(body).toEqual(before);
  });

  it.each<[string, unknown, Record<string, unknown>]>([
    ['no stream_options', undefined, { include_usage: true }],
    ['stream_options: null', null, { include_usage: true }],
    ['include_usage false is overridden', { include_usage: false }, { include_usage: true }],
    ['other keys are kept', { include_obfuscation: false }, { include_obfuscation: false, include_usage: true }],
    ['both', { include_usage: false, include_obfuscation: true }, { include_usage: true, include_obfuscation: true }],
  ])('a streaming request asks for usage: %s', (_name, streamOptions, expectedOptions) => {
    const body: Record<string, unknown> = { model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }], temperature: 0 };
    if (streamOptions !== undefined) body.stream_options = streamOptions;
    const before = snapshot(body);
    const prepared = openaiChat.prepare(body) as PreparedRequest;
    expect(prepared).toEqual({
      body: { model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }], temperature: 0, stream_options: expectedOptions },
      model: 'gpt-4.1',
      stream: true,
      prompt: 'hi',
    });
    // The caller's object (and its stream_options) is left alone.
    expect(body).toEqual(before);
    expect(prepared.body).not.toBe(body);
  });

  it.each<[string, unknown]>([
    ['"true" (a string)', 'true'],
    ['1', 1],
    ['false', false],
  ])('stream: %s is not a stream', (_name, stream) => {
    const body = { model: 'gpt-4.1', stream, messages: [] };
    const prepared = openaiChat.prepare(body) as PreparedRequest;
    expect(prepared.stream).toBe(false);
    expect(prepared.body).toEqual({ model: 'gpt-4.1', stream, messages: [] });
  });

  it.each<[string, unknown, string | undefined]>([
    ['no messages', undefined, undefined],
    ['messages is not an array', 'hi', undefined],
    ['empty messages', [], undefined],
    ['a string content', [{ role: 'user', content: 'Fix the failing test' }], 'Fix the failing test'],
    ['an empty string content', [{ role: 'user', content: '' }], ''],
    [
      'text parts are joined with LF; image and audio parts are ignored',
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<context>repo map</context>' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
            { type: 'text', text: 'What does this do?' },
          ],
        },
      ],
      '<context>repo map</context>\nWhat does this do?',
    ],
    ['only an image part', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }], undefined],
    ['a text part without text', [{ role: 'user', content: [{ type: 'text' }, { type: 'text', text: 'ok' }] }], 'ok'],
    ['a null content', [{ role: 'user', content: null }], undefined],
    [
      'the LAST user message',
      [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'answer' },
        { role: 'user', content: 'second' },
      ],
      'second',
    ],
    [
      // The documented rule: the last role:user message, even when assistant/tool turns follow it.
      'none inside a tool loop (the final message is a tool result), so a prompt is recorded once',
      [
        { role: 'user', content: 'list files' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ls', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'a.ts' },
      ],
      undefined,
    ],
    ['the user message before an assistant prefill', [{ role: 'user', content: 'json please' }, { role: 'assistant', content: '{' }], 'json please'],
    ['no user message', [{ role: 'system', content: 'sys' }, { role: 'assistant', content: 'hello' }], undefined],
    ['a final message that is not an object', [{ role: 'user', content: 'hi' }, null, 'x'], undefined],
  ])('prompt: %s', (_name, messages, prompt) => {
    const prepared = openaiChat.prepare({ model: 'gpt-4.1', messages }) as PreparedRequest;
    expect(prepared.prompt).toBe(prompt);
  });
});

describe('openaiUsage', () => {
  it.each<[string, Record<string, unknown>, Omit<ObservedUsage, 'providerResponseId'>]>([
    ['the fake provider’s usage (cached tokens subtracted)', FAKE_USAGE.chat as unknown as Record<string, unknown>, { input: 100, output: 30, cacheRead: 20, cacheWrite: 0, metadata: {} }],
    ['no details', { prompt_tokens: 57, completion_tokens: 9, total_tokens: 66 }, { input: 57, output: 9, cacheRead: 0, cacheWrite: 0, metadata: {} }],
    [
      'all counters',
      {
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 7 },
        completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 3, accepted_prediction_tokens: 2, rejected_prediction_tokens: 1 },
      },
      {
        input: 86,
        output: 300,
        cacheRead: 1920,
        cacheWrite: 0,
        metadata: { reasoning_tokens: 192, audio_tokens: 3, accepted_prediction_tokens: 2, rejected_prediction_tokens: 1, audio_input_tokens: 7 },
      },
    ],
    ['zero and non-numeric details are left out', { prompt_tokens: 10, completion_tokens: 1, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: '3' } }, { input: 10, output: 1, cacheRead: 0, cacheWrite: 0, metadata: {} }],
    ['more cached than prompt tokens: input 0', { prompt_tokens: 5, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 8 } }, { input: 0, output: 1, cacheRead: 8, cacheWrite: 0, metadata: {} }],
    ['fractions are floored, negatives and strings are 0', { prompt_tokens: 10.9, completion_tokens: -3, prompt_tokens_details: { cached_tokens: '4' } }, { input: 10, output: 0, cacheRead: 0, cacheWrite: 0, metadata: {} }],
    ['null details', { prompt_tokens: 3, completion_tokens: 4, prompt_tokens_details: null, completion_tokens_details: null }, { input: 3, output: 4, cacheRead: 0, cacheWrite: 0, metadata: {} }],
    ['an empty object', {}, { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, metadata: {} }],
  ])('%s', (_name, usage, expected) => {
    expect(openaiUsage('chatcmpl-1', usage)).toEqual({ providerResponseId: 'chatcmpl-1', ...expected });
  });
});

// --- streams ---------------------------------------------------------------------------------------------

/** Text answer; usage in the last chunk with `choices: []` (what include_usage gives). */
const TEXT_STREAM = String.raw`data: {"id":"chatcmpl-CGa1","object":"chat.completion.chunk","created":1760000000,"model":"gpt-4.1-2025-04-14","service_tier":"default","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-CGa1","object":"chat.completion.chunk","created":1760000000,"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-CGa1","object":"chat.completion.chunk","created":1760000000,"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"delta":{"content":" wörld 🎉"},"logprobs":null,"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-CGa1","object":"chat.completion.chunk","created":1760000000,"model":"gpt-4.1-2025-04-14","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

data: {"id":"chatcmpl-CGa1","object":"chat.completion.chunk","created":1760000000,"model":"gpt-4.1-2025-04-14","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":85,"total_tokens":1285,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":64,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

data: [DONE]

`;

const TEXT_OBSERVATION: Observation = {
  providerResponseId: 'chatcmpl-CGa1',
  usage: { providerResponseId: 'chatcmpl-CGa1', input: 176, output: 85, cacheRead: 1024, cacheWrite: 0, metadata: { reasoning_tokens: 64 } },
  toolUses: [],
};

/**
 * Two choices (n=2), two tools in the first, one in the second; ids and names only in the first delta
 * of each call, arguments in pieces, a call never named (dropped), usage as the last chunk.
 */
const TOOLS_STREAM = String.raw`data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1760000001,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"read_file","arguments":""}},{"index":1,"id":"call_b","type":"function","function":{"name":"list_dir","arguments":"{\"dir\":"}}]},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1760000001,"model":"gpt-4.1","choices":[{"index":1,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_c","type":"function","function":{"name":"grep","arguments":"{\"q\":\"TODO\"}"}}]},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1760000001,"model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\":"}}]},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1760000001,"model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"README.md\"}"}},{"index":1,"function":{"arguments":"\"src\"}"}}]},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1760000001,"model":"gpt-4.1","choices":[{"index":1,"delta":{"tool_calls":[{"index":5,"function":{"arguments":"{}"}}]},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1760000001,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"},{"index":1,"delta":{},"finish_reason":"tool_calls"}],"usage":null}

data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1760000001,"model":"gpt-4.1","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":20,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

data: [DONE]

`;

const TOOLS_OBSERVATION: Observation = {
  providerResponseId: 'chatcmpl-T1',
  usage: { providerResponseId: 'chatcmpl-T1', input: 100, output: 30, cacheRead: 20, cacheWrite: 0, metadata: {} },
  toolUses: [
    { providerResponseId: 'chatcmpl-T1', callId: 'call_a', tool: 'read_file', input: '{"path":"README.md"}' },
    { providerResponseId: 'chatcmpl-T1', callId: 'call_b', tool: 'list_dir', input: '{"dir":"src"}' },
    { providerResponseId: 'chatcmpl-T1', callId: 'call_c', tool: 'grep', input: '{"q":"TODO"}' },
  ],
};

/** Some providers put usage on the chunk that still carries choices (LiteLLM dropped it, BerriAI/litellm#36168). */
const USAGE_WITH_CHOICES_STREAM = String.raw`data: {"id":"chatcmpl-U1","object":"chat.completion.chunk","created":1,"model":"deepseek-chat","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

data: {"id":"chatcmpl-U1","object":"chat.completion.chunk","created":1,"model":"deepseek-chat","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":4000,"completion_tokens":250,"total_tokens":4250,"prompt_tokens_details":{"cached_tokens":3500}}}

data: [DONE]

`;

/** Without stream_options.include_usage: no usage anywhere. */
const NO_USAGE_STREAM = String.raw`data: {"id":"chatcmpl-N1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

data: {"id":"chatcmpl-N1","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

data: [DONE]

`;

describe('openaiChat observer, streaming', () => {
  it.each<[string, string, Observation]>([
    ['text, usage in a final chunk with choices: []', TEXT_STREAM, TEXT_OBSERVATION],
    ['tool calls in pieces over two choices', TOOLS_STREAM, TOOLS_OBSERVATION],
    [
      'usage on a chunk that still has choices is taken',
      USAGE_WITH_CHOICES_STREAM,
      { providerResponseId: 'chatcmpl-U1', usage: { providerResponseId: 'chatcmpl-U1', input: 500, output: 250, cacheRead: 3500, cacheWrite: 0, metadata: {} }, toolUses: [] },
    ],
    ['no usage chunk: usage undefined', NO_USAGE_STREAM, { providerResponseId: 'chatcmpl-N1', usage: undefined, toolUses: [] }],
  ])('%s', (_name, text, expected) => {
    expect(observe(openaiChat, true, text)).toEqual(expected);
    // The same with CRLF line ends, fed byte by byte, and in 7-byte pieces.
    expect(observe(openaiChat, true, crlf(text))).toEqual(expected);
    expect(observe(openaiChat, true, text, 1)).toEqual(expected);
    expect(observe(openaiChat, true, crlf(text), 1)).toEqual(expected);
    expect(observe(openaiChat, true, text, 7)).toEqual(expected);
  });

  it('usage: null chunks do not clear usage already seen; a later usage replaces it', () => {
    const text = String.raw`data: {"id":"c1","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1}}

data: {"id":"c1","choices":[],"usage":null}

data: {"id":"c1","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":7}}

data: {"id":"c1","choices":[],"usage":null}

`;
    expect(observe(openaiChat, true, text)).toEqual({
      providerResponseId: 'c1',
      usage: { providerResponseId: 'c1', input: 10, output: 7, cacheRead: 0, cacheWrite: 0, metadata: {} },
      toolUses: [],
    });
  });

  it('the id is the first one seen', () => {
    const text = 'data: {"choices":[]}\n\ndata: {"id":"first","choices":[]}\n\ndata: {"id":"second","choices":[]}\n\n';
    expect(observe(openaiChat, true, text).providerResponseId).toBe('first');
  });

  it('a name repeated in later deltas does not duplicate the call; a later id replaces an empty one', () => {
    const text = String.raw`data: {"id":"c2","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"","function":{"name":"edit","arguments":"{\"a\""}}]}}]}

data: {"id":"c2","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_late","function":{"name":"edit","arguments":":1}"}}]}}]}

`;
    expect(observe(openaiChat, true, text).toolUses).toEqual([{ providerResponseId: 'c2', callId: 'call_late', tool: 'edit', input: '{"a":1}' }]);
  });

  it('a missing choice or tool-call index counts as 0', () => {
    const text = String.raw`data: {"id":"c3","choices":[{"delta":{"tool_calls":[{"id":"call_x","function":{"name":"run","arguments":"{\"cmd\":"}}]}}]}

data: {"id":"c3","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"ls\"}"}}]}}]}

`;
    expect(observe(openaiChat, true, text).toolUses).toEqual([{ providerResponseId: 'c3', callId: 'call_x', tool: 'run', input: '{"cmd":"ls"}' }]);
  });

  it('malformed choices and tool calls are skipped', () => {
    const text = String.raw`data: {"id":"c4","choices":[null,"x",{"index":0},{"index":0,"delta":null},{"index":0,"delta":{"tool_calls":"nope"}},{"index":0,"delta":{"tool_calls":[null,7,{"index":0,"id":"call_ok","function":{"name":"ok","arguments":"{}"}},{"index":1,"id":"call_nofn"}]}}]}

data: {"id":"c4","choices":"not an array"}

`;
    // call_nofn never gets a name: not reported.
    expect(observe(openaiChat, true, text)).toEqual({
      providerResponseId: 'c4',
      usage: undefined,
      toolUses: [{ providerResponseId: 'c4', callId: 'call_ok', tool: 'ok', input: '{}' }],
    });
  });

  it('a mid-stream error frame, garbage and [DONE] give no usage and no crash', () => {
    const text = String.raw`data: {"id":"chatcmpl-E1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}

data: {not json

%%%

data: [DONE]

`;
    expect(observe(openaiChat, true, text)).toEqual({ providerResponseId: 'chatcmpl-E1', usage: undefined, toolUses: [] });
  });

  it.each<[string, string]>([
    ['an empty stream', ''],
    ['an error page instead of a stream', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['a JSON error body instead of a stream', '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}'],
  ])('%s: nothing observed', (_name, text) => {
    expect(observe(openaiChat, true, text)).toEqual({ providerResponseId: '', usage: undefined, toolUses: [] });
  });
});

// --- blocking --------------------------------------------------------------------------------------------

const BLOCKING_TOOLS = String.raw`{
  "id": "chatcmpl-B1",
  "object": "chat.completion",
  "created": 1760000002,
  "model": "gpt-4.1-2025-04-14",
  "choices": [
    {
      "index": 0,
      "message": {
        "role": "assistant",
        "content": null,
        "tool_calls": [
          {"id": "call_1", "type": "function", "function": {"name": "read_file", "arguments": "{\"path\":\"README.md\"}"}},
          {"id": "call_2", "type": "function", "function": {"name": "list_dir", "arguments": "{}"}},
          {"id": "call_3", "type": "custom", "custom": {"name": "patch", "input": "*** Begin Patch"}}
        ],
        "refusal": null,
        "annotations": []
      },
      "logprobs": null,
      "finish_reason": "tool_calls"
    },
    {
      "index": 1,
      "message": {"role": "assistant", "content": "No tools needed.", "refusal": null, "annotations": []},
      "logprobs": null,
      "finish_reason": "stop"
    }
  ],
  "usage": {
    "prompt_tokens": 120,
    "completion_tokens": 30,
    "total_tokens": 150,
    "prompt_tokens_details": {"cached_tokens": 20, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
  },
  "service_tier": "default",
  "system_fingerprint": "fp_1"
}`;

describe('openaiChat observer, blocking', () => {
  it('reads the id, the usage and every function tool call of every choice', () => {
    const expected: Observation = {
      providerResponseId: 'chatcmpl-B1',
      usage: { providerResponseId: 'chatcmpl-B1', input: 100, output: 30, cacheRead: 20, cacheWrite: 0, metadata: {} },
      toolUses: [
        { providerResponseId: 'chatcmpl-B1', callId: 'call_1', tool: 'read_file', input: '{"path":"README.md"}' },
        { providerResponseId: 'chatcmpl-B1', callId: 'call_2', tool: 'list_dir', input: '{}' },
      ],
    };
    expect(observe(openaiChat, false, BLOCKING_TOOLS)).toEqual(expected);
    expect(observe(openaiChat, false, BLOCKING_TOOLS, 1)).toEqual(expected);
    expect(observe(openaiChat, false, BLOCKING_TOOLS, 13)).toEqual(expected);
  });

  it('a body without usage: usage undefined', () => {
    const body = '{"id":"chatcmpl-B2","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}';
    expect(observe(openaiChat, false, body)).toEqual({ providerResponseId: 'chatcmpl-B2', usage: undefined, toolUses: [] });
  });

  it('malformed choices are skipped', () => {
    const body = '{"id":"b3","choices":[null,{"message":null},{"message":{"tool_calls":[null,{"id":"x"},{"id":"call_ok","function":{"name":"ok"}}]}}],"usage":{"prompt_tokens":1}}';
    expect(observe(openaiChat, false, body)).toEqual({
      providerResponseId: 'b3',
      usage: { providerResponseId: 'b3', input: 1, output: 0, cacheRead: 0, cacheWrite: 0, metadata: {} },
      toolUses: [{ providerResponseId: 'b3', callId: 'call_ok', tool: 'ok', input: '' }],
    });
  });

  it.each<[string, string]>([
    ['an OpenAI error body', '{"error":{"message":"Rate limit reached for gpt-4.1","type":"requests","param":null,"code":"rate_limit_exceeded"}}'],
    ['an HTML error page', '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'],
    ['truncated JSON', '{"id":"chatcmpl-B4","object":"chat.comp'],
    ['a JSON array', '[{"id":"x","usage":{"prompt_tokens":1}}]'],
    ['JSON null', 'null'],
    ['an empty body', ''],
    ['an SSE stream where JSON was expected', 'data: {"id":"x","choices":[],"usage":{"prompt_tokens":1}}\n\n'],
  ])('%s: no usage', (_name, body) => {
    expect(observe(openaiChat, false, body)).toEqual({ providerResponseId: '', usage: undefined, toolUses: [] });
  });
});
