// A local fake of the OpenAI and Anthropic HTTP APIs for the AI Bridge specs and benchmark.
//
// It speaks the real wire formats (blocking JSON bodies and SSE streams) closely enough that the official
// `openai` and `@anthropic-ai/sdk` clients work against it unchanged; test/api/fake-llm.e2e-spec.ts proves it.
// Plain ESM on `node:` built-ins only, so bench/ scripts can import it; types live in fake-llm.d.mts.
//
//   const fake = await startFakeLlm();
//   new OpenAI({ apiKey: FAKE_OPENAI_KEY, baseURL: `${fake.url}/v1` });
//   new Anthropic({ apiKey: FAKE_ANTHROPIC_KEY, baseURL: fake.url });
//
// Routes: POST /v1/chat/completions, POST /v1/responses, POST /v1/messages (intercepted: blocking and
// `stream: true`), GET /v1/models[/<id>], POST /v1/messages/count_tokens (passthrough); anything else is 404.
// Auth: OpenAI routes want `authorization: Bearer <openaiKey>`; Anthropic routes want `x-api-key: <anthropicKey>`
// or, with no x-api-key, `authorization: Bearer <anthropicKey>` (what @anthropic-ai/sdk 1.x sends for `apiKey`).
// Every stream frame is its own res.write, `chunkDelayMs` apart, so a proxy that buffers is detectable.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export const FAKE_OPENAI_KEY = 'sk-fake-openai';
export const FAKE_ANTHROPIC_KEY = 'sk-ant-fake';

/** The text every normal answer carries, and how streams split it into deltas. */
export const FAKE_TEXT_DELTAS = deepFreeze(['Hello', ' from', ' the', ' fake', ' LLM.']);
export const FAKE_TEXT = FAKE_TEXT_DELTAS.join('');

/** The tool call answered when the request carries a non-empty `tools` array (named after the first tool). */
export const FAKE_TOOL_CALL = deepFreeze({
  /** OpenAI chat `tool_calls[].id` and Responses `function_call.call_id`. */
  callId: 'call_fake_1',
  /** Responses `function_call` output item id. */
  responsesItemId: 'fc_fake_1',
  /** Anthropic `tool_use.id`. */
  anthropicId: 'toolu_fake_1',
  arguments: '{"path":"README.md"}',
  /** How OpenAI streams split `arguments` (chat `function.arguments` deltas, Responses argument deltas). */
  argumentsDeltas: ['{"path":', '"README.md"}'],
  /** Anthropic `input_json_delta.partial_json` chunks (the first is empty, as the real API sends). */
  partialJson: ['', '{"path":', ' "README.md"}'],
  input: { path: 'README.md' },
  /** Anthropic answers a tool call with this text block first (content index 0), then the tool_use block. */
  anthropicPreamble: "I'll read the file.",
});

/** Token usage exactly as it appears on the wire. */
export const FAKE_USAGE = deepFreeze({
  /** Chat completions: `prompt_tokens` INCLUDES `prompt_tokens_details.cached_tokens`. */
  chat: {
    prompt_tokens: 120,
    completion_tokens: 30,
    total_tokens: 150,
    prompt_tokens_details: { cached_tokens: 20, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  /** Responses: `input_tokens` INCLUDES `input_tokens_details.cached_tokens`. */
  responses: {
    input_tokens: 200,
    input_tokens_details: { cached_tokens: 50 },
    output_tokens: 40,
    output_tokens_details: { reasoning_tokens: 5 },
    total_tokens: 240,
  },
  anthropic: {
    /** `message_start.message.usage` (streaming). `input_tokens` EXCLUDES the cache fields. */
    messageStart: {
      input_tokens: 100,
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 40,
      cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 0 },
      output_tokens: 1,
      service_tier: 'standard',
    },
    /** `usage.output_tokens` of the two `message_delta` events: CUMULATIVE, keep the last (25), never sum (37). */
    messageDeltaOutputTokens: [12, 25],
    /** The blocking body's usage, and what a correct stream reader ends with. */
    final: {
      input_tokens: 100,
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 40,
      cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 0 },
      output_tokens: 25,
      service_tier: 'standard',
    },
  },
});

export const FAKE_COUNT_TOKENS = 42;

export const FAKE_MODELS = deepFreeze({
  openai: [
    { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
    { id: 'gpt-4.1', object: 'model', created: 1744316542, owned_by: 'system' },
  ],
  anthropic: [
    { type: 'model', id: 'claude-sonnet-4-6', display_name: 'Claude Sonnet 4.6', created_at: '2026-02-17T00:00:00Z' },
    { type: 'model', id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-15T00:00:00Z' },
  ],
});

/** The mid-stream error payloads `sseErrorNext()` sends (the `data:` JSON). */
export const FAKE_SSE_ERRORS = deepFreeze({
  /** Chat completions: a bare `data:` line (no `event:`), then the stream ends without `[DONE]`. */
  chat: { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } },
  /** Responses: `event: error`; the live API nests the fields under `error` (`sequence_number` is 1). */
  responses: {
    type: 'error',
    error: { type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request.', param: null },
    sequence_number: 1,
  },
  /** Anthropic: `event: error`. */
  anthropic: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
});

/** An OpenAI error body: `{ error: { message, type, param, code } }`. */
export function openaiErrorBody({ message, type = 'invalid_request_error', param = null, code = null }) {
  return { error: { message, type, param, code } };
}

/** An Anthropic error body: `{ type: 'error', error: { type, message } }`. */
export function anthropicErrorBody(type, message) {
  return { type: 'error', error: { type, message } };
}

const DEFAULT_CHUNK_DELAY_MS = 2;
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

export async function startFakeLlm(opts = {}) {
  const openaiKey = opts.openaiKey ?? FAKE_OPENAI_KEY;
  const anthropicKey = opts.anthropicKey ?? FAKE_ANTHROPIC_KEY;
  const chunkDelayMs = opts.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS;

  const requests = [];
  const queue = [];
  const aborts = [];
  const abortWaiters = new Set();
  const ids = { chat: 0, responses: 0, messages: 0, request: 0 };
  let inFlight = 0;
  let closing = false;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake-llm: ${err?.message ?? err}`, type: 'server_error', param: null, code: null } });
      else res.destroy();
    });
  });

  async function handle(req, res) {
    res.on('error', () => undefined);
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body;
    let badJson = false;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        badJson = true;
      }
    }
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    const method = req.method ?? 'GET';
    requests.push({ method, path, url, headers: req.headers, body, rawBody });

    const requestId = `req_fake_${++ids.request}`;
    const route = `${method} ${path}`;
    // Which provider a shared route (GET /v1/models, 404s) answers as.
    const anthropicAuth =
      req.headers['x-api-key'] !== undefined || req.headers['anthropic-version'] !== undefined || bearerToken(req) === anthropicKey;

    if (route === 'POST /v1/chat/completions' || route === 'POST /v1/responses') {
      return intercept(req, res, { provider: 'openai', kind: route === 'POST /v1/responses' ? 'responses' : 'chat', body, badJson, requestId });
    }
    if (route === 'POST /v1/messages') {
      return intercept(req, res, { provider: 'anthropic', kind: 'messages', body, badJson, requestId });
    }
    if (route === 'POST /v1/messages/count_tokens') {
      if (!checkAuth(req, res, 'anthropic', requestId)) return;
      if (badJson) return sendError(res, 'anthropic', 400, 'invalid_request_error', 'There was an error parsing the body of your request.', requestId);
      return sendJson(res, 200, { input_tokens: FAKE_COUNT_TOKENS }, anthropicHeaders(requestId));
    }
    if (method === 'GET' && (path === '/v1/models' || path.startsWith('/v1/models/'))) {
      const provider = anthropicAuth ? 'anthropic' : 'openai';
      if (!checkAuth(req, res, provider, requestId)) return;
      const headers = provider === 'anthropic' ? anthropicHeaders(requestId) : openaiHeaders(requestId);
      const models = FAKE_MODELS[provider];
      if (path === '/v1/models') {
        const list =
          provider === 'anthropic'
            ? { data: models, has_more: false, first_id: models[0].id, last_id: models[models.length - 1].id }
            : { object: 'list', data: models };
        return sendJson(res, 200, list, headers);
      }
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      const model = models.find((m) => m.id === id);
      if (model) return sendJson(res, 200, model, headers);
      return provider === 'anthropic'
        ? sendError(res, 'anthropic', 404, 'not_found_error', `model: ${id}`, requestId)
        : sendJson(res, 404, openaiErrorBody({ message: `The model '${id}' does not exist`, code: 'model_not_found' }), headers);
    }
    if (anthropicAuth) return sendError(res, 'anthropic', 404, 'not_found_error', 'Not Found', requestId);
    return sendJson(res, 404, openaiErrorBody({ message: `Invalid URL (${method} ${path})` }), openaiHeaders(requestId));
  }

  function checkAuth(req, res, provider, requestId) {
    const given = bearerToken(req);
    if (provider === 'anthropic') {
      // The API key as `x-api-key` (classic clients, gateways), or as `Authorization: Bearer`, which is what
      // @anthropic-ai/sdk 1.x sends for `apiKey`.
      const xApiKey = req.headers['x-api-key'];
      if (xApiKey === anthropicKey || (xApiKey === undefined && given === anthropicKey)) return true;
      const message = xApiKey === undefined && given ? 'Invalid bearer token' : 'invalid x-api-key';
      sendError(res, 'anthropic', 401, 'authentication_error', message, requestId);
      return false;
    }
    if (given === openaiKey) return true;
    const body = given
      ? openaiErrorBody({
          message: `Incorrect API key provided: ${maskKey(given)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          code: 'invalid_api_key',
        })
      : openaiErrorBody({
          message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        });
    sendJson(res, 401, body, openaiHeaders(requestId));
    return false;
  }

  function sendError(res, provider, status, type, message, requestId) {
    if (provider === 'anthropic') {
      return sendJson(res, status, { ...anthropicErrorBody(type, message), request_id: requestId }, anthropicHeaders(requestId));
    }
    return sendJson(res, status, openaiErrorBody({ message, type }), openaiHeaders(requestId));
  }

  async function intercept(req, res, ctx) {
    const { provider, kind, body, badJson, requestId } = ctx;
    if (!checkAuth(req, res, provider, requestId)) return;
    if (badJson) {
      const message =
        provider === 'anthropic'
          ? 'There was an error parsing the body of your request.'
          : "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)";
      return sendError(res, provider, 400, 'invalid_request_error', message, requestId);
    }
    const behaviour = queue.shift();
    if (behaviour?.type === 'fail') {
      const headers = { ...(provider === 'anthropic' ? anthropicHeaders(requestId) : openaiHeaders(requestId)), ...behaviour.headers };
      if (typeof behaviour.body === 'string') {
        res.writeHead(behaviour.status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
        res.end(behaviour.body);
        return;
      }
      return sendJson(res, behaviour.status, behaviour.body, headers);
    }
    const invalid = validate(kind, body);
    if (invalid) return sendError(res, provider, 400, 'invalid_request_error', invalid, requestId);

    const stream = body.stream === true;
    const headers = provider === 'anthropic' ? anthropicHeaders(requestId) : openaiHeaders(requestId);
    const n = ++ids[kind];
    const toolName = behaviour?.type === 'slow' ? undefined : firstToolName(body);
    const deltas = behaviour?.type === 'slow' ? slowDeltas(behaviour.chunks) : FAKE_TEXT_DELTAS;
    const build = { chat: chatAnswer, responses: responsesAnswer, messages: messagesAnswer }[kind];
    const answer = build({ n, body, toolName, deltas });
    const conn = track(req, res);

    if (behaviour?.type === 'malformed' && !stream) {
      // A blocking body cut short: valid JSON start, then garbage.
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(`${JSON.stringify(answer.blocking).slice(0, 24)}%%%`);
      return;
    }
    if (!stream && behaviour?.type === 'chunked') {
      // A blocking body with chunked encoding (no Content-Length), in this many writes.
      const text = JSON.stringify(answer.blocking);
      const size = Math.ceil(text.length / behaviour.pieces);
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      for (let i = 0; i < behaviour.pieces; i++) {
        res.write(text.slice(i * size, (i + 1) * size));
        if (i + 1 < behaviour.pieces) await sleep(chunkDelayMs);
      }
      res.end();
      return;
    }
    if (!stream && behaviour?.type !== 'sseError') {
      if (behaviour?.type === 'slow') {
        // No frames to space out: hold the whole body back for the same total time.
        for (let i = 0; i < behaviour.chunks && !conn.closed; i++) await sleep(behaviour.intervalMs);
        if (conn.closed) return;
      }
      return sendJson(res, 200, answer.blocking, headers);
    }

    let frames = answer.frames;
    if (behaviour?.type === 'sseError') frames = [frames[0], { data: answer.sseError }];
    if (behaviour?.type === 'malformed') frames = [frames[0], { data: answer.malformed }];
    res.writeHead(200, { ...SSE_HEADERS, ...headers });
    res.flushHeaders();
    for (let i = 0; i < frames.length; i++) {
      if (i > 0) await sleep(frames[i].delta && behaviour?.type === 'slow' ? behaviour.intervalMs : chunkDelayMs);
      if (conn.closed) return;
      res.write(frames[i].data);
      conn.writes++;
    }
    if (!conn.closed) res.end();
  }

  /** Watches a response for the client going away before the fake finished it. */
  function track(req, res) {
    const state = { closed: false, writes: 0 };
    inFlight++;
    res.on('close', () => {
      inFlight--;
      state.closed = true;
      if (res.writableFinished || closing) return;
      const abort = { method: req.method ?? 'POST', path: (req.url ?? '/').split('?')[0], writes: state.writes, at: Date.now() };
      aborts.push(abort);
      for (const wake of abortWaiters) wake();
      abortWaiters.clear();
    });
    return state;
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    openaiKey,
    anthropicKey,
    requests,
    aborts,
    get lastAbort() {
      return aborts.length > 0 ? aborts[aborts.length - 1] : null;
    },
    get queued() {
      return queue.length;
    },
    get inFlight() {
      return inFlight;
    },
    requestsTo(path) {
      return requests.filter((r) => r.path === path);
    },
    failNext({ status, body, headers = {} }) {
      queue.push({ type: 'fail', status, body, headers });
    },
    sseErrorNext() {
      queue.push({ type: 'sseError' });
    },
    malformedNext() {
      queue.push({ type: 'malformed' });
    },
    /** The next blocking answer goes out with chunked encoding, written in `pieces` parts. */
    chunkedNext({ pieces }) {
      if (!Number.isInteger(pieces) || pieces < 1) throw new RangeError('chunkedNext: pieces must be a positive integer');
      queue.push({ type: 'chunked', pieces });
    },
    slowNext({ chunks, intervalMs }) {
      if (!Number.isInteger(chunks) || chunks < 1) throw new RangeError('slowNext: chunks must be a positive integer');
      queue.push({ type: 'slow', chunks, intervalMs });
    },
    waitForAbort(timeoutMs) {
      if (aborts.length > 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          abortWaiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        abortWaiters.add(wake);
      });
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      aborts.length = 0;
    },
    async close() {
      closing = true;
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Answers. Each builder returns the blocking body, the stream frames (strings ready to write; `delta: true`
// marks text deltas, which slowNext spaces out), and the mid-stream error and garbage frames.

function chatAnswer({ n, body, toolName, deltas }) {
  const id = `chatcmpl-fake-${n}`;
  const created = nowSeconds();
  const model = body.model;
  const includeUsage = body.stream_options?.include_usage === true;
  const base = { id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: 'fp_fake' };
  const chunk = (delta, finishReason = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const frames = [];
  let message;
  let finishReason;
  if (toolName) {
    finishReason = 'tool_calls';
    message = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: FAKE_TOOL_CALL.callId, type: 'function', function: { name: toolName, arguments: FAKE_TOOL_CALL.arguments } }],
      refusal: null,
      annotations: [],
    };
    frames.push(
      dataFrame(
        chunk({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: FAKE_TOOL_CALL.callId, type: 'function', function: { name: toolName, arguments: '' } }],
          refusal: null,
        }),
      ),
    );
    for (const args of FAKE_TOOL_CALL.argumentsDeltas) frames.push(dataFrame(chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] })));
  } else {
    finishReason = 'stop';
    message = { role: 'assistant', content: deltas.join(''), refusal: null, annotations: [] };
    frames.push(dataFrame(chunk({ role: 'assistant', content: '', refusal: null })));
    for (const text of deltas) frames.push({ ...dataFrame(chunk({ content: text })), delta: true });
  }
  frames.push(dataFrame(chunk({}, finishReason)));
  if (includeUsage) frames.push(dataFrame({ ...base, choices: [], usage: FAKE_USAGE.chat }));
  frames.push({ data: 'data: [DONE]\n\n' });
  return {
    blocking: {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage: FAKE_USAGE.chat,
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    },
    frames,
    sseError: `data: ${JSON.stringify(FAKE_SSE_ERRORS.chat)}\n\n`,
    malformed: 'data: {not json\n\n%%%\n\n',
  };
}

function responsesAnswer({ n, body, toolName, deltas }) {
  const id = `resp_fake_${n}`;
  const createdAt = nowSeconds();
  const response = (status, output, usage) => ({
    id,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    completed_at: status === 'completed' ? createdAt : null,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: body.metadata ?? {},
  });
  let seq = 0;
  const event = (type, fields) => sseFrame(type, { type, sequence_number: seq++, ...fields });

  const frames = [event('response.created', { response: response('in_progress', [], null) })];
  frames.push(event('response.in_progress', { response: response('in_progress', [], null) }));
  let item;
  if (toolName) {
    const added = { id: FAKE_TOOL_CALL.responsesItemId, type: 'function_call', status: 'in_progress', arguments: '', call_id: FAKE_TOOL_CALL.callId, name: toolName };
    item = { ...added, status: 'completed', arguments: FAKE_TOOL_CALL.arguments };
    frames.push(event('response.output_item.added', { output_index: 0, item: added }));
    for (const delta of FAKE_TOOL_CALL.argumentsDeltas) {
      frames.push(event('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta }));
    }
    frames.push(event('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments }));
  } else {
    const itemId = `msg_fake_out_${n}`;
    const text = deltas.join('');
    const part = { type: 'output_text', annotations: [], logprobs: [], text };
    item = { id: itemId, type: 'message', status: 'completed', content: [part], role: 'assistant' };
    const emptyPart = { ...part, text: '' };
    frames.push(event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }));
    frames.push(event('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: emptyPart }));
    for (const delta of deltas) {
      frames.push({ ...event('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] }), delta: true });
    }
    frames.push(event('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] }));
    frames.push(event('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part }));
  }
  frames.push(event('response.output_item.done', { output_index: 0, item }));
  const completed = response('completed', [item], FAKE_USAGE.responses);
  frames.push(event('response.completed', { response: completed }));
  return {
    blocking: completed,
    frames,
    sseError: `event: error\ndata: ${JSON.stringify(FAKE_SSE_ERRORS.responses)}\n\n`,
    malformed: 'event: response.in_progress\ndata: {not json\n\n%%%\n\n',
  };
}

function messagesAnswer({ n, body, toolName, deltas }) {
  const id = `msg_fake_${n}`;
  const message = (content, stopReason, usage) => ({
    id,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  });
  const frames = [sseFrame('message_start', { type: 'message_start', message: message([], null, FAKE_USAGE.anthropic.messageStart) })];
  const textBlock = (text) => ({ type: 'text', text });
  const textFrames = (index, pieces) => [
    sseFrame('content_block_start', { type: 'content_block_start', index, content_block: textBlock('') }),
    ...(index === 0 ? [sseFrame('ping', { type: 'ping' })] : []),
    ...pieces.map((text) => ({
      ...sseFrame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }),
      delta: true,
    })),
    sseFrame('content_block_stop', { type: 'content_block_stop', index }),
  ];
  let content;
  let stopReason;
  if (toolName) {
    stopReason = 'tool_use';
    const preamble = FAKE_TOOL_CALL.anthropicPreamble;
    content = [textBlock(preamble), { type: 'tool_use', id: FAKE_TOOL_CALL.anthropicId, name: toolName, input: FAKE_TOOL_CALL.input }];
    frames.push(...textFrames(0, [preamble]));
    frames.push(
      sseFrame('content_block_start', {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: FAKE_TOOL_CALL.anthropicId, name: toolName, input: {} },
      }),
    );
    for (const partial of FAKE_TOOL_CALL.partialJson) {
      frames.push(sseFrame('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: partial } }));
    }
    frames.push(sseFrame('content_block_stop', { type: 'content_block_stop', index: 1 }));
  } else {
    stopReason = 'end_turn';
    content = [textBlock(deltas.join(''))];
    frames.push(...textFrames(0, deltas));
  }
  const [firstOutput, lastOutput] = FAKE_USAGE.anthropic.messageDeltaOutputTokens;
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens } = FAKE_USAGE.anthropic.final;
  const delta = { stop_reason: stopReason, stop_sequence: null };
  frames.push(sseFrame('message_delta', { type: 'message_delta', delta, usage: { output_tokens: firstOutput } }));
  // The last delta repeats the (cumulative) input and cache totals, as the live API does.
  frames.push(
    sseFrame('message_delta', {
      type: 'message_delta',
      delta,
      usage: { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens: lastOutput },
    }),
  );
  frames.push(sseFrame('message_stop', { type: 'message_stop' }));
  return {
    blocking: message(content, stopReason, FAKE_USAGE.anthropic.final),
    frames,
    sseError: `event: error\ndata: ${JSON.stringify(FAKE_SSE_ERRORS.anthropic)}\n\n`,
    malformed: 'event: content_block_start\ndata: {not json\n\n%%%\n\n',
  };
}

// ---------------------------------------------------------------------------------------------------------

function validate(kind, body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'The request body must be a JSON object.';
  if (typeof body.model !== 'string' || body.model === '') {
    return kind === 'messages' ? 'model: Field required' : 'you must provide a model parameter';
  }
  if (kind === 'chat' && !Array.isArray(body.messages)) return "Missing required parameter: 'messages'.";
  if (kind === 'messages') {
    if (!Array.isArray(body.messages)) return 'messages: Field required';
    if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  }
  return undefined;
}

/** The first named tool: `{function:{name}}` (chat), `{name}` (Responses, Anthropic). */
function firstToolName(body) {
  if (!Array.isArray(body.tools)) return undefined;
  for (const tool of body.tools) {
    const name = tool?.function?.name ?? tool?.name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return undefined;
}

function slowDeltas(chunks) {
  return Array.from({ length: chunks }, (_, i) => `chunk ${i + 1} `);
}

function dataFrame(payload) {
  return { data: `data: ${JSON.stringify(payload)}\n\n` };
}

function sseFrame(event, payload) {
  return { data: `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n` };
}

function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function openaiHeaders(requestId) {
  return { 'x-request-id': requestId, 'openai-processing-ms': '1' };
}

function anthropicHeaders(requestId) {
  return { 'request-id': requestId };
}

function bearerToken(req) {
  const auth = req.headers.authorization;
  const match = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return match ? match[1].trim() : '';
}

function maskKey(key) {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}*****${key.slice(-4)}`;
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

function deepFreeze(value) {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
