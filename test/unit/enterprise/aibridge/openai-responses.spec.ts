// OpenAI Responses on the wire: usage only on the final response (completed, incomplete or failed),
// input_tokens including cached tokens, function calls from the final response or, when it never
// came, from response.output_item.done events.
import { describe, expect, it } from '@jest/globals';
import { openaiResponses } from '#enterprise/aibridge/gateway/wire/openai-responses.js';
import type { Observation, PreparedRequest } from '#enterprise/aibridge/gateway/wire/types.js';
import { crlf, observe, snapshot } from './wire-helpers.js';

const NOT_OBJECT = 'The request body must be a JSON object.';
const NO_MODEL = 'The request body must name a "model".';

describe('openaiResponses', () => {
  it('describes the API', () => {
    expect({ id: openaiResponses.id, provider: openaiResponses.provider, upstreamPath: openaiResponses.upstreamPath }).toEqual({
      id: 'openai-responses',
      provider: 'openai',
      upstreamPath: '/responses',
    });
  });
});

describe('openaiResponses.prepare', () => {
  it.each<[string, unknown, string]>([
    ['null', null, NOT_OBJECT],
    ['an array', [], NOT_OBJECT],
    ['a string', 'gpt-5', NOT_OBJECT],
    ['true', true, NOT_OBJECT],
    ['no model', { input: 'hi' }, NO_MODEL],
    ['an empty model', { model: '', input: 'hi' }, NO_MODEL],
    ['an object model', { model: { id: 'gpt-5' }, input: 'hi' }, NO_MODEL],
  ])('rejects %s', (_name, body, message) => {
    expect(openaiResponses.prepare(body)).toBe(message);
  });

  it.each<[string, boolean]>([
    ['streaming', true],
    ['blocking', false],
  ])('a %s request is sent unchanged (no stream_options for this API)', (_name, stream) => {
    const body = { model: 'gpt-5-codex', stream, input: 'hi', reasoning: { effort: 'medium' }, store: false };
    const before = snapshot(body);
    const expected: PreparedRequest = { body: before, model: 'gpt-5-codex', stream, prompt: 'hi' };
    expect(openaiResponses.prepare(body)).toEqual(expected);
    expect(body).toEqual(before);
  });

  it.each<[string, unknown, string | undefined]>([
    ['input as a string', 'Write a haiku', 'Write a haiku'],
    ['input as an empty string', '', ''],
    ['no input', undefined, undefined],
    ['input null', null, undefined],
    ['an easy input message', [{ role: 'user', content: 'Summarise the diff' }], 'Summarise the diff'],
    [
      'input_text parts joined with LF; images and files ignored',
      [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: '<environment_context>cwd=/repo</environment_context>' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'auto' },
            { type: 'input_file', file_id: 'file-1' },
            { type: 'input_text', text: 'run the tests' },
          ],
        },
      ],
      '<environment_context>cwd=/repo</environment_context>\nrun the tests',
    ],
    ['"text" parts count too', [{ role: 'user', content: [{ type: 'text', text: 'plain' }] }], 'plain'],
    ['output_text parts do not', [{ role: 'user', content: [{ type: 'output_text', text: 'no' }] }], undefined],
    [
      'the last user message',
      [
        { role: 'developer', content: 'You are Codex.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'second' }] },
      ],
      'second',
    ],
    [
      // The documented rule: items without role:user (function calls and their outputs) are skipped.
      'none inside a tool loop (the final item is a function-call output)',
      [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }] },
        { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'a.ts' },
      ],
      undefined,
    ],
    ['only an image', [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }], undefined],
    ['no user item', [{ type: 'function_call_output', call_id: 'c', output: 'x' }], undefined],
    ['empty items', [], undefined],
    ['input as an object', { role: 'user', content: 'x' }, undefined],
  ])('prompt: %s', (_name, input, prompt) => {
    const body: Record<string, unknown> = { model: 'gpt-5' };
    if (input !== undefined) body.input = input;
    expect((openaiResponses.prepare(body) as PreparedRequest).prompt).toBe(prompt);
  });
});

// --- streams ---------------------------------------------------------------------------------------------

const USAGE = String.raw`{"input_tokens":200,"input_tokens_details":{"cached_tokens":50},"output_tokens":40,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":240}`;
const FC_1 = String.raw`{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"command\":[\"ls\",\"-la\"]}","call_id":"call_1","name":"shell"}`;
const FC_2 = String.raw`{"id":"fc_2","type":"function_call","status":"completed","arguments":"{\"path\":\"a.ts\"}","call_id":"call_2","name":"read_file"}`;
const MSG = String.raw`{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"Running ls."}]}`;

/** The events of a streamed response up to (not including) its final event. */
const HEAD = String.raw`event: response.created
data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1760000000,"status":"in_progress","model":"gpt-5-codex","output":[],"usage":null}}

event: response.in_progress
data: {"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_1","object":"response","created_at":1760000000,"status":"in_progress","model":"gpt-5-codex","output":[],"usage":null}}

event: response.output_item.added
data: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}

event: response.output_item.done
data: {"type":"response.output_item.done","sequence_number":3,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}

event: response.output_item.added
data: {"type":"response.output_item.added","sequence_number":4,"output_index":1,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}}

event: response.output_text.delta
data: {"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":1,"content_index":0,"delta":"Running ls."}

event: response.output_item.done
data: {"type":"response.output_item.done","sequence_number":6,"output_index":1,"item":${MSG}}

event: response.output_item.added
data: {"type":"response.output_item.added","sequence_number":7,"output_index":2,"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_1","name":"shell"}}

event: response.function_call_arguments.delta
data: {"type":"response.function_call_arguments.delta","sequence_number":8,"item_id":"fc_1","output_index":2,"delta":"{\"command\":"}

event: response.function_call_arguments.delta
data: {"type":"response.function_call_arguments.delta","sequence_number":9,"item_id":"fc_1","output_index":2,"delta":"[\"ls\",\"-la\"]}"}

event: response.function_call_arguments.done
data: {"type":"response.function_call_arguments.done","sequence_number":10,"item_id":"fc_1","output_index":2,"arguments":"{\"command\":[\"ls\",\"-la\"]}"}

event: response.output_item.done
data: {"type":"response.output_item.done","sequence_number":11,"output_index":2,"item":${FC_1}}

`;

const final = (type: string, status: string, output: string, usage: string) =>
  `event: ${type}\ndata: {"type":"${type}","sequence_number":12,"response":{"id":"resp_1","object":"response","created_at":1760000000,"status":"${status}","model":"gpt-5-codex","output":${output},"usage":${usage}}}\n\n`;

const CALL_1 = { providerResponseId: 'resp_1', callId: 'call_1', tool: 'shell', input: '{"command":["ls","-la"]}' };
const CALL_2 = { providerResponseId: 'resp_1', callId: 'call_2', tool: 'read_file', input: '{"path":"a.ts"}' };
const USAGE_1 = { providerResponseId: 'resp_1', input: 150, output: 40, cacheRead: 50, cacheWrite: 0, metadata: { reasoning_tokens: 5 } };

describe('openaiResponses observer, streaming', () => {
  it.each<[string, string, Observation]>([
    [
      'response.completed: usage and the function calls of the final output',
      HEAD + final('response.completed', 'completed', `[{"id":"rs_1","type":"reasoning","summary":[]},${MSG},${FC_1}]`, USAGE),
      { providerResponseId: 'resp_1', usage: USAGE_1, toolUses: [CALL_1] },
    ],
    [
      'response.incomplete (max_output_tokens) still carries usage',
      HEAD + final('response.incomplete', 'incomplete', `[${FC_1}]`, USAGE),
      { providerResponseId: 'resp_1', usage: USAGE_1, toolUses: [CALL_1] },
    ],
    [
      'response.failed still carries usage',
      HEAD + final('response.failed', 'failed', '[]', USAGE),
      // The final response lists every output item: here none, so no tool use.
      { providerResponseId: 'resp_1', usage: USAGE_1, toolUses: [] },
    ],
    [
      'response.failed with usage null',
      HEAD + final('response.failed', 'failed', '[]', 'null'),
      { providerResponseId: 'resp_1', usage: undefined, toolUses: [] },
    ],
    [
      'the final response wins over the output_item.done events (it lists calls they did not)',
      HEAD + final('response.completed', 'completed', `[${FC_1},${FC_2}]`, USAGE),
      { providerResponseId: 'resp_1', usage: USAGE_1, toolUses: [CALL_1, CALL_2] },
    ],
    [
      'no final event: calls from output_item.done, no usage',
      HEAD +
        `event: response.output_item.done\ndata: {"type":"response.output_item.done","sequence_number":12,"output_index":3,"item":${FC_2}}\n\n`,
      { providerResponseId: 'resp_1', usage: undefined, toolUses: [CALL_1, CALL_2] },
    ],
    [
      'a mid-stream error event: no final response, no usage',
      HEAD +
        'event: error\ndata: {"type":"error","error":{"type":"server_error","code":"server_error","message":"The server had an error while processing your request.","param":null},"sequence_number":12}\n\n',
      { providerResponseId: 'resp_1', usage: undefined, toolUses: [CALL_1] },
    ],
  ])('%s', (_name, text, expected) => {
    expect(observe(openaiResponses, true, text)).toEqual(expected);
    expect(observe(openaiResponses, true, text, 1)).toEqual(expected);
    expect(observe(openaiResponses, true, crlf(text), 1)).toEqual(expected);
    expect(observe(openaiResponses, true, text, 11)).toEqual(expected);
  });

  it('usage on a non-final event is not taken', () => {
    const text = `event: response.in_progress\ndata: {"type":"response.in_progress","response":{"id":"resp_2","status":"in_progress","output":[],"usage":${USAGE}}}\n\n`;
    expect(observe(openaiResponses, true, text)).toEqual({ providerResponseId: 'resp_2', usage: undefined, toolUses: [] });
  });

  it('the id is the first response id; the final response’s own id is preferred', () => {
    const text =
      'data: {"type":"response.created","response":{"id":"resp_a","output":[]}}\n\n' +
      'data: {"type":"response.in_progress","response":{"id":"resp_b","output":[]}}\n\n' +
      `data: {"type":"response.completed","response":{"id":"resp_c","output":[${FC_1}],"usage":${USAGE}}}\n\n`;
    const o = observe(openaiResponses, true, text);
    expect(o.providerResponseId).toBe('resp_c');
    expect(o.usage?.providerResponseId).toBe('resp_c');
    expect(o.toolUses.map((t) => t.providerResponseId)).toEqual(['resp_c']);
  });

  it('a final response without an id keeps the id seen first', () => {
    const text =
      'data: {"type":"response.created","response":{"id":"resp_a","output":[]}}\n\n' +
      `data: {"type":"response.completed","response":{"output":[],"usage":${USAGE}}}\n\n`;
    const o = observe(openaiResponses, true, text);
    expect(o.providerResponseId).toBe('resp_a');
    expect(o.usage).toEqual({ ...USAGE_1, providerResponseId: 'resp_a' });
  });

  it('the last final event wins', () => {
    const text =
      final('response.incomplete', 'incomplete', '[]', '{"input_tokens":1,"output_tokens":1}') +
      final('response.completed', 'completed', '[]', USAGE);
    expect(observe(openaiResponses, true, text).usage).toEqual(USAGE_1);
  });

  it('output_item.done items that are not function calls, and malformed items, are ignored', () => {
    const text =
      'data: {"type":"response.created","response":{"id":"resp_3"}}\n\n' +
      `data: {"type":"response.output_item.done","item":${MSG}}\n\n` +
      'data: {"type":"response.output_item.done","item":{"type":"web_search_call","id":"ws_1","status":"completed"}}\n\n' +
      'data: {"type":"response.output_item.done","item":null}\n\n' +
      'data: {"type":"response.output_item.done"}\n\n' +
      `data: {"type":"response.output_item.done","item":${FC_2}}\n\n`;
    expect(observe(openaiResponses, true, text)).toEqual({ providerResponseId: 'resp_3', usage: undefined, toolUses: [{ ...CALL_2, providerResponseId: 'resp_3' }] });
  });

  it.each<[string, string]>([
    ['an empty stream', ''],
    ['garbage', 'event: response.in_progress\ndata: {not json\n\n%%%\n\n'],
    ['a JSON error body instead of a stream', '{"error":{"message":"Invalid model","type":"invalid_request_error","param":"model","code":null}}'],
  ])('%s: nothing observed', (_name, text) => {
    expect(observe(openaiResponses, true, text)).toEqual({ providerResponseId: '', usage: undefined, toolUses: [] });
  });
});

// --- blocking --------------------------------------------------------------------------------------------

describe('openaiResponses observer, blocking', () => {
  it('reads usage and the function calls of the output', () => {
    const body = `{"id":"resp_1","object":"response","created_at":1760000000,"status":"completed","error":null,"model":"gpt-5-codex","output":[{"id":"rs_1","type":"reasoning","summary":[]},${MSG},${FC_1},${FC_2}],"usage":${USAGE}}`;
    const expected: Observation = { providerResponseId: 'resp_1', usage: USAGE_1, toolUses: [CALL_1, CALL_2] };
    expect(observe(openaiResponses, false, body)).toEqual(expected);
    expect(observe(openaiResponses, false, body, 1)).toEqual(expected);
  });

  it.each<[string, string, Observation]>([
    [
      'no cached tokens, no reasoning',
      '{"id":"resp_4","output":[],"usage":{"input_tokens":12,"output_tokens":3,"total_tokens":15}}',
      { providerResponseId: 'resp_4', usage: { providerResponseId: 'resp_4', input: 12, output: 3, cacheRead: 0, cacheWrite: 0, metadata: {} }, toolUses: [] },
    ],
    [
      'more cached than input tokens: input 0',
      '{"id":"resp_5","output":[],"usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":20},"output_tokens":1,"output_tokens_details":{"reasoning_tokens":0}}}',
      { providerResponseId: 'resp_5', usage: { providerResponseId: 'resp_5', input: 0, output: 1, cacheRead: 20, cacheWrite: 0, metadata: {} }, toolUses: [] },
    ],
    ['usage null', '{"id":"resp_6","status":"failed","output":[],"usage":null}', { providerResponseId: 'resp_6', usage: undefined, toolUses: [] }],
    ['output is not an array', '{"id":"resp_7","output":null}', { providerResponseId: 'resp_7', usage: undefined, toolUses: [] }],
  ])('%s', (_name, body, expected) => {
    expect(observe(openaiResponses, false, body)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['an OpenAI error body', '{"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}'],
    ['an HTML error page', '<!DOCTYPE html><html><body>Service Unavailable</body></html>'],
    ['truncated JSON', `{"id":"resp_1","output":[${FC_1}`],
    ['an empty body', ''],
  ])('%s: no usage', (_name, body) => {
    expect(observe(openaiResponses, false, body)).toEqual({ providerResponseId: '', usage: undefined, toolUses: [] });
  });
});
