// Self-check for the fake LLM provider (test/support/fake-llm.mjs): the official SDKs, pointed straight at it
// (no gateway), must parse every answer. If the fake drifts from the real wire formats, this fails first.
import Anthropic, { APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import OpenAI, { APIError as OpenAIAPIError } from 'openai';
import {
  anthropicErrorBody,
  FAKE_ANTHROPIC_KEY,
  FAKE_COUNT_TOKENS,
  FAKE_MODELS,
  FAKE_OPENAI_KEY,
  FAKE_SSE_ERRORS,
  FAKE_TEXT,
  FAKE_TEXT_DELTAS,
  FAKE_TOOL_CALL,
  FAKE_USAGE,
  openaiErrorBody,
  startFakeLlm,
  type FakeLlm,
} from '../support/fake-llm.mjs';

const CHAT_MODEL = 'gpt-4o-mini';
// Not one the Anthropic SDK lists as deprecated (it console.warns for those).
const CLAUDE_MODEL = 'claude-sonnet-4-6';
const USER_MESSAGES = [{ role: 'user' as const, content: 'Say hello.' }];

const chatTools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  },
  { type: 'function', function: { name: 'write_file', parameters: { type: 'object', properties: {} } } },
];
const responsesTools: OpenAI.Responses.FunctionTool[] = [
  { type: 'function', name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: false },
];
const anthropicTools: Anthropic.Tool[] = [
  { name: 'read_file', description: 'Reads a file', input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
];

describe('fake LLM provider, checked with the official SDKs', () => {
  let fake: FakeLlm;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    fake = await startFakeLlm();
    openai = new OpenAI({ apiKey: FAKE_OPENAI_KEY, baseURL: `${fake.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: FAKE_ANTHROPIC_KEY, baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('listens on 127.0.0.1 with the default keys', () => {
    expect(fake.url).toBe(`http://127.0.0.1:${fake.port}`);
    expect(fake.openaiKey).toBe('sk-fake-openai');
    expect(fake.anthropicKey).toBe('sk-ant-fake');
  });

  describe('OpenAI chat completions', () => {
    it('blocking: text, usage, id, and the request recorded', async () => {
      const completion = await openai.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES });
      expect(completion.id).toMatch(/^chatcmpl-fake-\d+$/);
      expect(completion.object).toBe('chat.completion');
      expect(completion.model).toBe(CHAT_MODEL);
      expect(completion.choices).toHaveLength(1);
      expect(completion.choices[0].message).toMatchObject({ role: 'assistant', content: FAKE_TEXT });
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(completion.usage).toEqual(FAKE_USAGE.chat);
      expect(completion.usage?.prompt_tokens).toBe(120);
      expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(20);
      expect(completion.usage?.completion_tokens).toBe(30);
      expect(completion.usage?.total_tokens).toBe(150);

      expect(fake.requests).toHaveLength(1);
      const [req] = fake.requests;
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/v1/chat/completions');
      expect(req.headers.authorization).toBe(`Bearer ${FAKE_OPENAI_KEY}`);
      expect(req.body).toEqual({ model: CHAT_MODEL, messages: USER_MESSAGES });
      expect(JSON.parse(req.rawBody)).toEqual(req.body);
    });

    it('streaming with stream_options.include_usage: deltas, then a usage chunk with choices []', async () => {
      const stream = await openai.chat.completions.create({
        model: CHAT_MODEL,
        messages: USER_MESSAGES,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe(FAKE_TEXT);
      expect(chunks.filter((c) => c.choices[0]?.delta.content).map((c) => c.choices[0].delta.content)).toEqual([...FAKE_TEXT_DELTAS]);
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      expect(chunks[0].id).toMatch(/^chatcmpl-fake-\d+$/);
      expect(chunks[0].choices[0].delta.role).toBe('assistant');

      const withUsage = chunks.filter((c) => c.usage);
      expect(withUsage).toHaveLength(1);
      const last = chunks[chunks.length - 1];
      expect(last).toBe(withUsage[0]);
      expect(last.choices).toEqual([]);
      expect(last.usage).toEqual(FAKE_USAGE.chat);
      expect(chunks[chunks.length - 2].choices[0].finish_reason).toBe('stop');
      // With include_usage every other chunk carries "usage": null, as the real API does.
      expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    });

    it('streaming without stream_options sends no usage chunk', async () => {
      const stream = await openai.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES, stream: true });
      const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.every((c) => c.usage === undefined)).toBe(true);
      expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
      expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('stop');
      expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(FAKE_TEXT);
    });

    it('the stream helper accumulates the final completion', async () => {
      const stream = openai.chat.completions.stream({ model: CHAT_MODEL, messages: USER_MESSAGES, stream_options: { include_usage: true } });
      const final = await stream.finalChatCompletion();
      expect(final.choices[0].message.content).toBe(FAKE_TEXT);
      expect(final.usage).toEqual(FAKE_USAGE.chat);
    });

    it('tools, blocking: a call to the first tool', async () => {
      const completion = await openai.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES, tools: chatTools });
      const choice = completion.choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls).toEqual([
        { id: 'call_fake_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"README.md"}' } },
      ]);
      expect(completion.usage).toEqual(FAKE_USAGE.chat);
    });

    it('tools, streaming: arguments split over deltas, accumulated by the SDK', async () => {
      const argumentDeltas: string[] = [];
      const stream = openai.chat.completions.stream({ model: CHAT_MODEL, messages: USER_MESSAGES, tools: chatTools });
      // The first chunk names the tool with arguments '', which the SDK reports as an (empty) delta too.
      stream.on('tool_calls.function.arguments.delta', (e) => {
        if (e.arguments_delta !== '') argumentDeltas.push(e.arguments_delta);
      });
      const final = await stream.finalChatCompletion();
      expect(argumentDeltas).toEqual([...FAKE_TOOL_CALL.argumentsDeltas]);
      expect(argumentDeltas.length).toBeGreaterThanOrEqual(2);
      expect(final.choices[0].finish_reason).toBe('tool_calls');
      expect(final.choices[0].message.tool_calls).toEqual([
        { id: FAKE_TOOL_CALL.callId, type: 'function', function: { name: 'read_file', arguments: FAKE_TOOL_CALL.arguments } },
      ]);
      expect(final.usage).toBeUndefined();
    });
  });

  describe('OpenAI responses', () => {
    it('blocking: output text and usage', async () => {
      const response = await openai.responses.create({ model: CHAT_MODEL, input: 'Say hello.' });
      expect(response.id).toMatch(/^resp_fake_\d+$/);
      expect(response.object).toBe('response');
      expect(response.status).toBe('completed');
      expect(response.model).toBe(CHAT_MODEL);
      expect(response.output_text).toBe(FAKE_TEXT);
      expect(response.usage).toEqual(FAKE_USAGE.responses);
      expect(response.usage?.input_tokens).toBe(200);
      expect(response.usage?.input_tokens_details.cached_tokens).toBe(50);
      expect(response.usage?.output_tokens).toBe(40);
      expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(5);
      expect(response.usage?.total_tokens).toBe(240);
    });

    it('streaming: the documented event sequence, usage only on response.completed', async () => {
      const stream = await openai.responses.create({ model: CHAT_MODEL, input: 'Say hello.', stream: true });
      const events: OpenAI.Responses.ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const n = FAKE_TEXT_DELTAS.length;
      expect(events.map((e) => e.type)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        ...Array<string>(n).fill('response.output_text.delta'),
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      const withUsage = events.filter((e) => 'response' in e && e.response.usage);
      expect(withUsage.map((e) => e.type)).toEqual(['response.completed']);
      const completed = events[events.length - 1];
      if (completed.type !== 'response.completed') throw new Error('expected response.completed last');
      expect(completed.response.usage).toEqual(FAKE_USAGE.responses);
      expect(completed.response.id).toMatch(/^resp_fake_\d+$/);
    });

    it('the stream helper yields the final response with usage', async () => {
      const deltas: string[] = [];
      const stream = openai.responses.stream({ model: CHAT_MODEL, input: 'Say hello.' });
      stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
      const final = await stream.finalResponse();
      expect(deltas).toEqual([...FAKE_TEXT_DELTAS]);
      expect(final.output_text).toBe(FAKE_TEXT);
      expect(final.usage).toEqual(FAKE_USAGE.responses);
    });

    it('tools, blocking: a function_call output item', async () => {
      const response = await openai.responses.create({ model: CHAT_MODEL, input: 'Read the readme.', tools: responsesTools });
      expect(response.output).toEqual([
        { type: 'function_call', id: 'fc_fake_1', call_id: 'call_fake_1', name: 'read_file', arguments: '{"path":"README.md"}', status: 'completed' },
      ]);
      expect(response.usage).toEqual(FAKE_USAGE.responses);
    });

    it('tools, streaming: function_call_arguments deltas, accumulated by the SDK', async () => {
      const deltas: string[] = [];
      const stream = openai.responses.stream({ model: CHAT_MODEL, input: 'Read the readme.', tools: responsesTools });
      stream.on('response.function_call_arguments.delta', (e) => deltas.push(e.delta));
      const final = await stream.finalResponse();
      expect(deltas).toEqual([...FAKE_TOOL_CALL.argumentsDeltas]);
      // The stream helper adds `parsed_arguments` (null unless the tool is strict/zod-parsed).
      expect(final.output).toEqual([
        {
          type: 'function_call',
          id: FAKE_TOOL_CALL.responsesItemId,
          call_id: FAKE_TOOL_CALL.callId,
          name: 'read_file',
          arguments: FAKE_TOOL_CALL.arguments,
          status: 'completed',
          parsed_arguments: null,
        },
      ]);
      expect(final.usage).toEqual(FAKE_USAGE.responses);
    });
  });

  describe('Anthropic messages', () => {
    it('blocking: text and usage, and the request recorded', async () => {
      const message = await anthropic.messages.create({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES });
      expect(message.id).toMatch(/^msg_fake_\d+$/);
      expect(message.type).toBe('message');
      expect(message.role).toBe('assistant');
      expect(message.model).toBe(CLAUDE_MODEL);
      expect(message.content).toEqual([{ type: 'text', text: FAKE_TEXT }]);
      expect(message.stop_reason).toBe('end_turn');
      expect(message.usage).toEqual(FAKE_USAGE.anthropic.final);
      expect(message.usage).toMatchObject({ input_tokens: 100, cache_creation_input_tokens: 10, cache_read_input_tokens: 40, output_tokens: 25 });

      const [req] = fake.requests;
      expect(req.path).toBe('/v1/messages');
      // @anthropic-ai/sdk 1.x sends `apiKey` as a bearer token, not as x-api-key.
      expect(req.headers.authorization).toBe(`Bearer ${FAKE_ANTHROPIC_KEY}`);
      expect(req.headers['x-api-key']).toBeUndefined();
      expect(req.headers['anthropic-version']).toEqual(expect.any(String));
      expect(req.body).toEqual({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES });
    });

    it('streaming: the event sequence, and cumulative message_delta usage ends at 25, not 37', async () => {
      const stream = anthropic.messages.stream({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES });
      const events: Anthropic.MessageStreamEvent[] = [];
      // Cloned: the SDK's snapshot IS message_start's message, and it overwrites usage.output_tokens in place.
      stream.on('streamEvent', (e) => events.push(structuredClone(e)));
      const final = await stream.finalMessage();

      const n = FAKE_TEXT_DELTAS.length;
      // The SDK drops `ping` before emitting events; the raw stream check below sees it.
      expect(events.map((e) => e.type)).toEqual([
        'message_start',
        'content_block_start',
        ...Array<string>(n).fill('content_block_delta'),
        'content_block_stop',
        'message_delta',
        'message_delta',
        'message_stop',
      ]);
      const start = events[0];
      if (start.type !== 'message_start') throw new Error('expected message_start first');
      expect(start.message.usage).toEqual(FAKE_USAGE.anthropic.messageStart);
      const deltas = events.filter((e) => e.type === 'message_delta');
      expect(deltas.map((e) => e.usage.output_tokens)).toEqual([12, 25]);

      expect(final.content).toEqual([{ type: 'text', text: FAKE_TEXT }]);
      expect(final.stop_reason).toBe('end_turn');
      expect(final.usage.output_tokens).toBe(25);
      expect(final.usage).toMatchObject({ input_tokens: 100, cache_creation_input_tokens: 10, cache_read_input_tokens: 40, output_tokens: 25 });
    });

    it('tools, blocking: a tool_use block for the first tool', async () => {
      const message = await anthropic.messages.create({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES, tools: anthropicTools });
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toEqual([
        { type: 'text', text: FAKE_TOOL_CALL.anthropicPreamble },
        { type: 'tool_use', id: 'toolu_fake_1', name: 'read_file', input: { path: 'README.md' } },
      ]);
      expect(message.usage).toEqual(FAKE_USAGE.anthropic.final);
    });

    it('tools, streaming: input_json_delta chunks, accumulated by the SDK', async () => {
      const partials: string[] = [];
      const stream = anthropic.messages.stream({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES, tools: anthropicTools });
      stream.on('streamEvent', (e) => {
        if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') partials.push(e.delta.partial_json);
      });
      const final = await stream.finalMessage();
      expect(partials).toEqual([...FAKE_TOOL_CALL.partialJson]);
      expect(partials.filter((p) => p !== '').length).toBeGreaterThanOrEqual(2);
      expect(final.stop_reason).toBe('tool_use');
      const toolUse = final.content.find((b) => b.type === 'tool_use');
      expect(toolUse).toMatchObject({ type: 'tool_use', id: FAKE_TOOL_CALL.anthropicId, name: 'read_file' });
      expect(toolUse?.type === 'tool_use' && toolUse.input).toEqual({ path: 'README.md' });
      expect(final.usage.output_tokens).toBe(25);
    });

    it('count_tokens', async () => {
      const count = await anthropic.messages.countTokens({ model: CLAUDE_MODEL, messages: USER_MESSAGES });
      expect(count).toEqual({ input_tokens: 42 });
      expect(FAKE_COUNT_TOKENS).toBe(42);
      expect(fake.requests[0].path).toBe('/v1/messages/count_tokens');
    });
  });

  describe('models', () => {
    it('OpenAI models.list()', async () => {
      const ids: string[] = [];
      for await (const model of openai.models.list()) ids.push(model.id);
      expect(ids).toEqual(FAKE_MODELS.openai.map((m) => m.id));
      const one = await openai.models.retrieve('gpt-4o-mini');
      expect(one).toEqual(FAKE_MODELS.openai[0]);
    });

    it('Anthropic models.list()', async () => {
      const models: Anthropic.ModelInfo[] = [];
      for await (const model of anthropic.models.list()) models.push(model);
      expect(models).toEqual(FAKE_MODELS.anthropic);
      expect(models[0]).toEqual({ type: 'model', id: CLAUDE_MODEL, display_name: 'Claude Sonnet 4.6', created_at: '2026-02-17T00:00:00Z' });
      expect(fake.requests.every((r) => r.path === '/v1/models')).toBe(true);
    });
  });

  describe('authentication', () => {
    it('a wrong OpenAI key: AuthenticationError 401 in the OpenAI error shape', async () => {
      const bad = new OpenAI({ apiKey: 'sk-wrong-key-123', baseURL: `${fake.url}/v1`, maxRetries: 0 });
      const err = await bad.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err).toMatchObject({ status: 401, type: 'invalid_request_error', code: 'invalid_api_key', param: null });
      expect((err as OpenAIAPIError).requestID).toMatch(/^req_fake_\d+$/);
    });

    it('a wrong Anthropic key: AuthenticationError 401 in the Anthropic error shape', async () => {
      const bad = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: fake.url, maxRetries: 0 });
      const err = await bad.messages.create({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(err).toMatchObject({ status: 401, type: 'authentication_error' });
      expect((err as AnthropicAPIError).error).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'Invalid bearer token' } });
      expect((err as AnthropicAPIError).requestID).toMatch(/^req_fake_\d+$/);

      const viaHeader = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'sk-ant-wrong', 'content-type': 'application/json' },
        body: JSON.stringify({ model: CLAUDE_MODEL, max_tokens: 1, messages: USER_MESSAGES }),
      });
      expect(viaHeader.status).toBe(401);
      expect(await viaHeader.json()).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
        request_id: viaHeader.headers.get('request-id'),
      });
    });

    it('Anthropic routes accept the key as x-api-key too', async () => {
      const res = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': FAKE_ANTHROPIC_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model: CLAUDE_MODEL, max_tokens: 1, messages: USER_MESSAGES }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ type: 'message', usage: FAKE_USAGE.anthropic.final });
      const models = await fetch(`${fake.url}/v1/models`, { headers: { 'x-api-key': FAKE_ANTHROPIC_KEY } });
      expect(await models.json()).toMatchObject({ has_more: false, first_id: FAKE_MODELS.anthropic[0].id });
    });

    it('an OpenAI key on an Anthropic route (and vice versa) is refused', async () => {
      const res = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FAKE_OPENAI_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: CLAUDE_MODEL, max_tokens: 1, messages: USER_MESSAGES }),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      const res2 = await fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'x-api-key': FAKE_ANTHROPIC_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ model: CHAT_MODEL, messages: USER_MESSAGES }),
      });
      expect(res2.status).toBe(401);
      expect(await res2.json()).toMatchObject({ error: { type: 'invalid_request_error', param: null, code: null } });
    });

    it('unknown routes answer 404 JSON', async () => {
      const res = await fetch(`${fake.url}/v1/completions`, { method: 'POST', headers: { authorization: `Bearer ${FAKE_OPENAI_KEY}` } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({ error: { message: 'Invalid URL (POST /v1/completions)', type: 'invalid_request_error', param: null, code: null } });
    });
  });

  describe('behaviour queue', () => {
    it('failNext: the SDK throws APIError with the status, body and headers given', async () => {
      fake.failNext({ status: 500, body: openaiErrorBody({ message: 'boom', type: 'server_error' }) });
      expect(fake.queued).toBe(1);
      const err = await openai.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect(err).toMatchObject({ status: 500, error: { message: 'boom', type: 'server_error', param: null, code: null } });
      expect(fake.queued).toBe(0);

      fake.failNext({ status: 529, body: anthropicErrorBody('overloaded_error', 'Overloaded'), headers: { 'retry-after': '7' } });
      const aerr = await anthropic.messages.create({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES }).catch((e: unknown) => e);
      expect(aerr).toBeInstanceOf(Anthropic.APIError);
      expect(aerr).toMatchObject({ status: 529, type: 'overloaded_error' });
      expect((aerr as AnthropicAPIError).headers?.get('retry-after')).toBe('7');

      // One-shot: the next request is normal again.
      const ok = await openai.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES });
      expect(ok.choices[0].message.content).toBe(FAKE_TEXT);
    });

    it('the queue is FIFO and skips passthrough routes', async () => {
      fake.failNext({ status: 429, body: openaiErrorBody({ message: 'slow down', type: 'rate_limit_error' }) });
      fake.failNext({ status: 503, body: openaiErrorBody({ message: 'down', type: 'server_error' }) });
      await openai.models.list();
      const first = await openai.responses.create({ model: CHAT_MODEL, input: 'x' }).catch((e: unknown) => e);
      const second = await openai.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES }).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(OpenAI.RateLimitError);
      expect(second).toMatchObject({ status: 503 });
    });

    it('sseErrorNext, Anthropic: message_start then event: error; the SDK throws overloaded_error', async () => {
      fake.sseErrorNext();
      const stream = anthropic.messages.stream({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES });
      const types: string[] = [];
      stream.on('streamEvent', (e) => types.push(e.type));
      const err = await stream.finalMessage().catch((e: unknown) => e);
      expect(types).toEqual(['message_start']);
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect(err).toMatchObject({ type: 'overloaded_error', error: FAKE_SSE_ERRORS.anthropic });
    });

    it('sseErrorNext, OpenAI chat and responses: one event, then an error the SDK throws', async () => {
      fake.sseErrorNext();
      const chunks: unknown[] = [];
      const chatErr = await (async () => {
        const stream = await openai.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES, stream: true });
        for await (const chunk of stream) chunks.push(chunk);
      })().catch((e: unknown) => e);
      expect(chunks).toHaveLength(1);
      expect(chatErr).toBeInstanceOf(OpenAI.APIError);
      expect(chatErr).toMatchObject({ error: FAKE_SSE_ERRORS.chat.error });

      fake.sseErrorNext();
      const events: string[] = [];
      const respErr = await (async () => {
        const stream = await openai.responses.create({ model: CHAT_MODEL, input: 'x', stream: true });
        for await (const event of stream) events.push(event.type);
      })().catch((e: unknown) => e);
      expect(events).toEqual(['response.created']);
      expect(respErr).toBeInstanceOf(OpenAI.APIError);
      expect(respErr).toMatchObject({ error: FAKE_SSE_ERRORS.responses.error });
    });

    it('malformedNext: a valid first event, then garbage, then the end', async () => {
      fake.malformedNext();
      const res = await fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FAKE_OPENAI_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: CHAT_MODEL, messages: USER_MESSAGES, stream: true }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const frames = (await res.text()).split('\n\n').filter((f) => f !== '');
      expect(frames).toHaveLength(3);
      expect(JSON.parse(frames[0].replace(/^data: /, ''))).toMatchObject({ object: 'chat.completion.chunk' });
      expect(frames.slice(1)).toEqual(['data: {not json', '%%%']);

      // Through the SDK: MessageStream wraps the JSON.parse SyntaxError in an AnthropicError (logging off: the
      // SDK otherwise console.errors the bad frame).
      fake.malformedNext();
      const quiet = new Anthropic({ apiKey: FAKE_ANTHROPIC_KEY, baseURL: fake.url, maxRetries: 0, logLevel: 'off' });
      const stream = quiet.messages.stream({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES });
      const types: string[] = [];
      stream.on('streamEvent', (e) => types.push(e.type));
      const err = await stream.finalMessage().catch((e: unknown) => e);
      expect(types).toEqual(['message_start']);
      expect(err).toBeInstanceOf(Anthropic.AnthropicError);
      expect((err as Error).cause).toBeInstanceOf(SyntaxError);

      fake.malformedNext();
      const quietOpenai = new OpenAI({ apiKey: FAKE_OPENAI_KEY, baseURL: `${fake.url}/v1`, maxRetries: 0, logLevel: 'off' });
      const seen: string[] = [];
      const openaiErr = await (async () => {
        const s = await quietOpenai.responses.create({ model: CHAT_MODEL, input: 'x', stream: true });
        for await (const event of s) seen.push(event.type);
      })().catch((e: unknown) => e);
      expect(seen).toEqual(['response.created']);
      expect(openaiErr).toBeInstanceOf(SyntaxError);

      fake.malformedNext();
      const blocking = await fetch(`${fake.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${FAKE_OPENAI_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: CHAT_MODEL, messages: USER_MESSAGES }),
      });
      expect(blocking.status).toBe(200);
      expect(blocking.headers.get('content-type')).toBe('application/json');
      const truncated = await blocking.text();
      expect(truncated.endsWith('%%%')).toBe(true);
      expect(() => JSON.parse(truncated)).toThrow(SyntaxError);
    });

    it('slowNext: aborting the SDK stream is seen by waitForAbort', async () => {
      expect(await fake.waitForAbort(10)).toBe(false);
      fake.slowNext({ chunks: 100, intervalMs: 20 });
      const stream = anthropic.messages.stream({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES });
      const texts: string[] = [];
      stream.on('text', (t) => {
        texts.push(t);
        if (texts.length === 2) stream.abort();
      });
      const err = await stream.finalMessage().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.APIUserAbortError);
      expect(texts).toEqual(['chunk 1 ', 'chunk 2 ']);
      expect(await fake.waitForAbort(2000)).toBe(true);
      expect(fake.lastAbort).toMatchObject({ method: 'POST', path: '/v1/messages' });
      expect(fake.lastAbort?.writes).toBeLessThan(100);
    });

    it('slowNext on OpenAI: breaking out of the stream is seen too', async () => {
      fake.slowNext({ chunks: 100, intervalMs: 20 });
      const stream = await openai.chat.completions.create({ model: CHAT_MODEL, messages: USER_MESSAGES, stream: true });
      let deltas = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) deltas++;
        if (deltas === 2) break;
      }
      expect(await fake.waitForAbort(2000)).toBe(true);
      expect(fake.lastAbort?.path).toBe('/v1/chat/completions');
    });

    it('slowNext spaces the deltas; a finished stream is not an abort', async () => {
      fake.slowNext({ chunks: 3, intervalMs: 40 });
      const started = Date.now();
      const final = await openai.responses.stream({ model: CHAT_MODEL, input: 'x' }).finalResponse();
      expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 40 - 5);
      expect(final.output_text).toBe('chunk 1 chunk 2 chunk 3 ');
      expect(await fake.waitForAbort(50)).toBe(false);
    });
  });

  it('stream frames arrive as separate writes (a buffering proxy would be visible)', async () => {
    const res = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': FAKE_ANTHROPIC_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: CLAUDE_MODEL, max_tokens: 256, messages: USER_MESSAGES, stream: true }),
    });
    expect(res.headers.get('request-id')).toMatch(/^req_fake_\d+$/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let reads = 0;
    let raw = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      reads++;
      raw += decoder.decode(value, { stream: true });
    }
    const frames = raw.split('\n\n').filter((f) => f !== '');
    expect(reads).toBeGreaterThan(1);
    expect(frames.map((f) => f.split('\n')[0])).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: ping',
      ...FAKE_TEXT_DELTAS.map(() => 'event: content_block_delta'),
      'event: content_block_stop',
      'event: message_delta',
      'event: message_delta',
      'event: message_stop',
    ]);
    expect(frames.every((f) => /^event: \S+\ndata: \{.*\}$/.test(f))).toBe(true);
  });

  it('rejects requests the real APIs reject: missing model, missing max_tokens, bad JSON', async () => {
    const post = (path: string, headers: Record<string, string>, body: string) =>
      fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const oa = { authorization: `Bearer ${FAKE_OPENAI_KEY}` };
    const an = { 'x-api-key': FAKE_ANTHROPIC_KEY };
    const noModel = await post('/v1/chat/completions', oa, JSON.stringify({ messages: USER_MESSAGES }));
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const noMax = await post('/v1/messages', an, JSON.stringify({ model: CLAUDE_MODEL, messages: USER_MESSAGES }));
    expect(noMax.status).toBe(400);
    expect(await noMax.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
    const badJson = await post('/v1/responses', oa, '{nope');
    expect(badJson.status).toBe(400);
    expect(fake.requests.map((r) => r.body)).toEqual([{ messages: USER_MESSAGES }, { model: CLAUDE_MODEL, messages: USER_MESSAGES }, undefined]);
    expect(fake.requests[2].rawBody).toBe('{nope');
  });
});
