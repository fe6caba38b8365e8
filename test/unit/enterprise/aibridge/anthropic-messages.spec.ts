// Anthropic Messages on the wire: usage from message_start, updated by CUMULATIVE message_delta
// counts (last value wins, absent fields keep their message_start value); input_tokens excludes
// cached tokens; tool_use blocks streamed as input_json_delta pieces.
import { describe, expect, it } from '@jest/globals';
import { anthropicMessages } from '#enterprise/aibridge/gateway/wire/anthropic-messages.js';
import type { Observation, ObservedUsage, PreparedRequest } from '#enterprise/aibridge/gateway/wire/types.js';
import { crlf, observe, snapshot } from './wire-helpers.js';

const NOT_OBJECT = 'The request body must be a JSON object.';
const NO_MODEL = 'The request body must name a "model".';

describe('anthropicMessages', () => {
  it('describes the API', () => {
    expect({ id: anthropicMessages.id, provider: anthropicMessages.provider, upstreamPath: anthropicMessages.upstreamPath }).toEqual({
      id: 'anthropic-messages',
      provider: 'anthropic',
      upstreamPath: '/v1/messages',
    });
  });
});

describe('anthropicMessages.prepare', () => {
  it.each<[string, unknown, string]>([
    ['null', null, NOT_OBJECT],
    ['an array', [{ model: 'claude-sonnet-4-5' }], NOT_OBJECT],
    ['a number', 1, NOT_OBJECT],
    ['no model', { max_tokens: 1024, messages: [] }, NO_MODEL],
    ['an empty model', { model: '', max_tokens: 1024, messages: [] }, NO_MODEL],
    ['a boolean model', { model: true, max_tokens: 1024, messages: [] }, NO_MODEL],
  ])('rejects %s', (_name, body, message) => {
    expect(anthropicMessages.prepare(body)).toBe(message);
  });

  it.each<[string, boolean]>([
    ['streaming', true],
    ['blocking', false],
  ])('a %s request is sent unchanged', (_name, stream) => {
    const body = { model: 'claude-sonnet-4-5-20250929', max_tokens: 32000, stream, system: [{ type: 'text', text: 'You are Claude Code.' }], messages: [{ role: 'user', content: 'hi' }] };
    const before = snapshot(body);
    const expected: PreparedRequest = { body: before, model: 'claude-sonnet-4-5-20250929', stream, prompt: 'hi' };
    expect(anthropicMessages.prepare(body)).toEqual(expected);
    expect(body).toEqual(before);
  });

  it.each<[string, unknown, string | undefined]>([
    ['a string content', [{ role: 'user', content: 'Refactor utils.ts' }], 'Refactor utils.ts'],
    [
      'text blocks joined with LF; image, document and tool_result blocks ignored',
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>todo list is empty</system-reminder>' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc' } },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'file contents' }] },
            { type: 'text', text: 'now fix it', cache_control: { type: 'ephemeral' } },
          ],
        },
      ],
      '<system-reminder>todo list is empty</system-reminder>\nnow fix it',
    ],
    [
      'a tool_result-only user turn has no prompt (the agent loop, not the user)',
      [
        { role: 'user', content: 'read README' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: 'README.md' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '# Title' }] },
      ],
      undefined,
    ],
    [
      'the last user message',
      [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ],
      'second',
    ],
    ['an assistant prefill after the user turn', [{ role: 'user', content: 'json please' }, { role: 'assistant', content: '{' }], 'json please'],
    ['no messages', [], undefined],
    ['messages missing', undefined, undefined],
    ['only an image', [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }], undefined],
  ])('prompt: %s', (_name, messages, prompt) => {
    const body: Record<string, unknown> = { model: 'claude-sonnet-4-5', max_tokens: 1024 };
    if (messages !== undefined) body.messages = messages;
    expect((anthropicMessages.prepare(body) as PreparedRequest).prompt).toBe(prompt);
  });
});

// --- streams ---------------------------------------------------------------------------------------------

const START_USAGE = '{"input_tokens":100,"cache_creation_input_tokens":10,"cache_read_input_tokens":40,"cache_creation":{"ephemeral_5m_input_tokens":10,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard"}';

const messageStart = (usage: string) =>
  `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":${usage}}}\n\n`;
const messageDelta = (usage: string) =>
  `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":${usage}}\n\n`;
const STOP = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';

/** Text then a tool_use block (the shape Claude Code gets), two cumulative message_delta events. */
const TOOL_STREAM = String.raw`event: message_start
data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":100,"cache_creation_input_tokens":10,"cache_read_input_tokens":40,"cache_creation":{"ephemeral_5m_input_tokens":10,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard"}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"I'll read the file — ✓."}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01A","name":"Read","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"file_path\":"}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \"/repo/README.md\"}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":1}

event: content_block_start
data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01B","name":"Bash","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"command\": \"ls\"}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":2}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":12}}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":100,"cache_creation_input_tokens":10,"cache_read_input_tokens":40,"output_tokens":25}}

event: message_stop
data: {"type":"message_stop"}

`;

const TOOL_OBSERVATION: Observation = {
  providerResponseId: 'msg_01',
  usage: { providerResponseId: 'msg_01', input: 100, output: 25, cacheRead: 40, cacheWrite: 10, metadata: {} },
  toolUses: [
    { providerResponseId: 'msg_01', callId: 'toolu_01A', tool: 'Read', input: '{"file_path": "/repo/README.md"}' },
    { providerResponseId: 'msg_01', callId: 'toolu_01B', tool: 'Bash', input: '{"command": "ls"}' },
  ],
};

describe('anthropicMessages observer, streaming', () => {
  it('text and two tool_use blocks; cumulative output tokens (25, not 12 + 25)', () => {
    expect(observe(anthropicMessages, true, TOOL_STREAM)).toEqual(TOOL_OBSERVATION);
  });

  it('the same observation fed byte by byte, in 5-byte pieces, with CRLF line ends', () => {
    expect(observe(anthropicMessages, true, TOOL_STREAM, 1)).toEqual(TOOL_OBSERVATION);
    expect(observe(anthropicMessages, true, TOOL_STREAM, 5)).toEqual(TOOL_OBSERVATION);
    expect(observe(anthropicMessages, true, crlf(TOOL_STREAM), 1)).toEqual(TOOL_OBSERVATION);
  });

  it.each<[string, string, Omit<ObservedUsage, 'providerResponseId' | 'metadata'> | undefined]>([
    ['message_start only', messageStart(START_USAGE), { input: 100, output: 1, cacheRead: 40, cacheWrite: 10 }],
    [
      'delta output counts are cumulative: the last wins',
      messageStart(START_USAGE) + messageDelta('{"output_tokens":12}') + messageDelta('{"output_tokens":25}'),
      { input: 100, output: 25, cacheRead: 40, cacheWrite: 10 },
    ],
    [
      'a delta with only output_tokens keeps the message_start input and cache fields',
      messageStart(START_USAGE) + messageDelta('{"output_tokens":300}'),
      { input: 100, output: 300, cacheRead: 40, cacheWrite: 10 },
    ],
    [
      'null fields in a delta keep the message_start values',
      messageStart(START_USAGE) +
        messageDelta('{"input_tokens":null,"cache_creation_input_tokens":null,"cache_read_input_tokens":null,"output_tokens":25,"server_tool_use":null}'),
      { input: 100, output: 25, cacheRead: 40, cacheWrite: 10 },
    ],
    [
      'input and cache fields in a delta replace the earlier ones (server tools: LiteLLM#42663)',
      messageStart(START_USAGE) +
        messageDelta('{"output_tokens":40}') +
        messageDelta('{"input_tokens":2200,"cache_creation_input_tokens":0,"cache_read_input_tokens":9000,"output_tokens":410,"server_tool_use":{"web_search_requests":1}}'),
      { input: 2200, output: 410, cacheRead: 9000, cacheWrite: 0 },
    ],
    [
      'a later delta without the cache fields keeps the values of the earlier delta',
      messageStart(START_USAGE) + messageDelta('{"cache_read_input_tokens":500,"output_tokens":5}') + messageDelta('{"output_tokens":9}'),
      { input: 100, output: 9, cacheRead: 500, cacheWrite: 10 },
    ],
    [
      'a delta without a message_start',
      messageDelta('{"output_tokens":7}'),
      { input: 0, output: 7, cacheRead: 0, cacheWrite: 0 },
    ],
    ['a delta without usage changes nothing', messageStart(START_USAGE) + 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"}}\n\n', { input: 100, output: 1, cacheRead: 40, cacheWrite: 10 }],
    ['message_start without usage, no delta: no usage', 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01"}}\n\n', undefined],
    ['no events at all: no usage', '', undefined],
  ])('%s', (_name, text, expected) => {
    const o = observe(anthropicMessages, true, text + STOP);
    expect(o.usage).toEqual(expected ? { providerResponseId: o.providerResponseId, metadata: {}, ...expected } : undefined);
    expect(observe(anthropicMessages, true, text + STOP, 1)).toEqual(o);
  });

  it('a short stream, observed exactly', () => {
    const o = observe(anthropicMessages, true, messageStart(START_USAGE) + messageDelta('{"output_tokens":3}'));
    expect(o).toEqual({
      providerResponseId: 'msg_01',
      usage: { providerResponseId: 'msg_01', input: 100, output: 3, cacheRead: 40, cacheWrite: 10, metadata: {} },
      toolUses: [],
    });
  });

  it('a tool_use block without deltas has input "{}"; an unfinished block is not reported', () => {
    const text = String.raw`event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"TodoRead","input":{}}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_2","name":"Write","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"file_path\":"}}

`;
    expect(observe(anthropicMessages, true, text).toolUses).toEqual([{ providerResponseId: '', callId: 'toolu_1', tool: 'TodoRead', input: '{}' }]);
  });

  it('deltas of other block types, unknown indexes and non-tool blocks are ignored', () => {
    const text = String.raw`event: message_start
data: {"type":"message_start","message":{"id":"msg_02","usage":{"input_tokens":5,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: content_block_start
data: {"type":"content_block_start","index":1,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}

event: content_block_stop
data: {"type":"content_block_stop","index":1}

event: content_block_start
data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_3","name":"Grep","input":{}}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"not json input"}}

event: content_block_delta
data: {"type":"content_block_delta","index":9,"delta":{"type":"input_json_delta","partial_json":"{\"x\":1}"}}

event: content_block_delta
data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"pattern\":\"TODO\"}"}}

event: content_block_stop
data: {"type":"content_block_stop","index":2}

event: content_block_stop
data: {"type":"content_block_stop","index":2}

`;
    expect(observe(anthropicMessages, true, text)).toEqual({
      providerResponseId: 'msg_02',
      usage: { providerResponseId: 'msg_02', input: 5, output: 1, cacheRead: 0, cacheWrite: 0, metadata: {} },
      // The second stop of index 2 finds no open block: one tool use, not two.
      toolUses: [{ providerResponseId: 'msg_02', callId: 'toolu_3', tool: 'Grep', input: '{"pattern":"TODO"}' }],
    });
  });

  it('a mid-stream overloaded error keeps what came before it', () => {
    const text =
      messageStart(START_USAGE) + 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    expect(observe(anthropicMessages, true, text)).toEqual({
      providerResponseId: 'msg_01',
      usage: { providerResponseId: 'msg_01', input: 100, output: 1, cacheRead: 40, cacheWrite: 10, metadata: {} },
      toolUses: [],
    });
  });

  it.each<[string, string]>([
    ['garbage', 'event: content_block_start\ndata: {not json\n\n%%%\n\n'],
    ['a JSON error body instead of a stream', '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_1"}'],
  ])('%s: nothing observed', (_name, text) => {
    expect(observe(anthropicMessages, true, text)).toEqual({ providerResponseId: '', usage: undefined, toolUses: [] });
  });
});

// --- blocking --------------------------------------------------------------------------------------------

describe('anthropicMessages observer, blocking', () => {
  const BODY = String.raw`{"id":"msg_B1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"I'll read the file."},{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"README.md"}},{"type":"tool_use","id":"toolu_2","name":"TodoRead"},{"type":"tool_use","id":"toolu_3","name":"Edit","input":{"old":"a","new":"ü"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":100,"cache_creation_input_tokens":10,"cache_read_input_tokens":40,"cache_creation":{"ephemeral_5m_input_tokens":10,"ephemeral_1h_input_tokens":0},"output_tokens":25,"service_tier":"standard"}}`;
  const EXPECTED: Observation = {
    providerResponseId: 'msg_B1',
    usage: { providerResponseId: 'msg_B1', input: 100, output: 25, cacheRead: 40, cacheWrite: 10, metadata: {} },
    toolUses: [
      { providerResponseId: 'msg_B1', callId: 'toolu_1', tool: 'Read', input: '{"file_path":"README.md"}' },
      { providerResponseId: 'msg_B1', callId: 'toolu_2', tool: 'TodoRead', input: '{}' },
      { providerResponseId: 'msg_B1', callId: 'toolu_3', tool: 'Edit', input: '{"old":"a","new":"ü"}' },
    ],
  };

  it('reads the id, the usage (input excludes cached) and every tool_use block', () => {
    expect(observe(anthropicMessages, false, BODY)).toEqual(EXPECTED);
    expect(observe(anthropicMessages, false, BODY, 1)).toEqual(EXPECTED);
  });

  it('a body without usage or content', () => {
    expect(observe(anthropicMessages, false, '{"id":"msg_B2","type":"message","content":"nope"}')).toEqual({ providerResponseId: 'msg_B2', usage: undefined, toolUses: [] });
  });

  it.each<[string, string]>([
    ['an Anthropic error body', '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}'],
    ['an HTML error page', '<html><body>upstream connect error or disconnect/reset before headers</body></html>'],
    ['truncated JSON', '{"id":"msg_B1","type":"mess'],
    ['an empty body', ''],
  ])('%s: no usage', (_name, body) => {
    expect(observe(anthropicMessages, false, body)).toEqual({ providerResponseId: '', usage: undefined, toolUses: [] });
  });
});
