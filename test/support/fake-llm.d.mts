// Types for fake-llm.mjs (a plain ESM module so bench/ scripts can import it too).
import type { IncomingHttpHeaders } from 'node:http';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

export interface FakeLlmOptions {
  /** The key OpenAI routes accept as `authorization: Bearer <key>`; default FAKE_OPENAI_KEY. */
  openaiKey?: string;
  /**
   * The key Anthropic routes accept as `x-api-key`, or as `authorization: Bearer <key>` when there is no
   * `x-api-key` (@anthropic-ai/sdk 1.x sends `apiKey` that way); default FAKE_ANTHROPIC_KEY.
   */
  anthropicKey?: string;
  /** Delay between stream frames (each frame is a separate write); default 2. */
  chunkDelayMs?: number;
}

export interface FakeRequest {
  readonly method: string;
  /** The path without the query string, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** The request target as received, query string included. */
  readonly url: string;
  /** Node's lower-cased request headers. */
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the body was empty or not JSON. */
  readonly body: unknown;
  readonly rawBody: string;
}

export interface FakeAbort {
  readonly method: string;
  readonly path: string;
  /** Stream frames written before the client went away. */
  readonly writes: number;
  /** Date.now() when the close was seen. */
  readonly at: number;
}

export interface FailNextOptions {
  status: number;
  /** Sent as JSON; a string is sent verbatim as text/plain (e.g. an HTML error page from a proxy). */
  body: JsonValue;
  /** Extra response headers, e.g. `{ 'retry-after': '1' }`; they override the defaults. */
  headers?: Readonly<Record<string, string>>;
}

export interface SlowNextOptions {
  /** Number of text deltas (a positive integer); the text is `chunk 1 chunk 2 …`. */
  chunks: number;
  /** Delay before each text delta. */
  intervalMs: number;
}

export interface FakeLlm {
  /** `http://127.0.0.1:<port>`; OpenAI base URL is `${url}/v1`, Anthropic base URL is `url`. */
  readonly url: string;
  readonly port: number;
  readonly openaiKey: string;
  readonly anthropicKey: string;
  /** Every request received, in order (401s and 404s included). Cleared in place by reset(). */
  readonly requests: FakeRequest[];
  /** Responses the client closed before the fake finished them, since the last reset(). */
  readonly aborts: readonly FakeAbort[];
  readonly lastAbort: FakeAbort | null;
  /** Behaviours queued and not yet used. */
  readonly queued: number;
  /** Intercepted answers being written (streams, slow answers). */
  readonly inFlight: number;
  /** The recorded requests whose path is `path`. */
  requestsTo(path: string): FakeRequest[];
  /**
   * The behaviour queue (FIFO). Each entry applies to the next intercepted request (POST /v1/chat/completions,
   * /v1/responses, /v1/messages) that passes authentication and JSON parsing.
   */
  failNext(opts: FailNextOptions): void;
  /**
   * A 200 stream with the first normal frame, then a mid-stream error (FAKE_SSE_ERRORS), then the end.
   * Always a stream, even when the request did not ask for one.
   */
  sseErrorNext(): void;
  /** A 200 stream with one valid frame then garbage (`data: {not json`, `%%%`); a blocking request gets truncated JSON. */
  malformedNext(): void;
  /** A text answer with `chunks` deltas `intervalMs` apart (tools ignored); a blocking answer is held back as long. */
  /** The next blocking answer goes out with chunked encoding (no Content-Length), written in `pieces` parts. */
  chunkedNext(opts: { pieces: number }): void;
  slowNext(opts: SlowNextOptions): void;
  /** True as soon as any response was aborted by the client since the last reset() (at once if one already was); false after timeoutMs. */
  waitForAbort(timeoutMs: number): Promise<boolean>;
  /** Clears requests, queued behaviours and aborts (ids keep counting). */
  reset(): void;
  close(): Promise<void>;
}

export declare function startFakeLlm(opts?: FakeLlmOptions): Promise<FakeLlm>;

export declare const FAKE_OPENAI_KEY: 'sk-fake-openai';
export declare const FAKE_ANTHROPIC_KEY: 'sk-ant-fake';

export declare const FAKE_TEXT_DELTAS: readonly ['Hello', ' from', ' the', ' fake', ' LLM.'];
export declare const FAKE_TEXT: 'Hello from the fake LLM.';

export declare const FAKE_TOOL_CALL: {
  readonly callId: 'call_fake_1';
  readonly responsesItemId: 'fc_fake_1';
  readonly anthropicId: 'toolu_fake_1';
  readonly arguments: '{"path":"README.md"}';
  readonly argumentsDeltas: readonly ['{"path":', '"README.md"}'];
  readonly partialJson: readonly ['', '{"path":', ' "README.md"}'];
  readonly input: { readonly path: 'README.md' };
  readonly anthropicPreamble: "I'll read the file.";
};

interface AnthropicUsage<Output extends number> {
  readonly input_tokens: 100;
  readonly cache_creation_input_tokens: 10;
  readonly cache_read_input_tokens: 40;
  readonly cache_creation: { readonly ephemeral_5m_input_tokens: 10; readonly ephemeral_1h_input_tokens: 0 };
  readonly output_tokens: Output;
  readonly service_tier: 'standard';
}

export declare const FAKE_USAGE: {
  readonly chat: {
    readonly prompt_tokens: 120;
    readonly completion_tokens: 30;
    readonly total_tokens: 150;
    readonly prompt_tokens_details: { readonly cached_tokens: 20; readonly audio_tokens: 0 };
    readonly completion_tokens_details: {
      readonly reasoning_tokens: 0;
      readonly audio_tokens: 0;
      readonly accepted_prediction_tokens: 0;
      readonly rejected_prediction_tokens: 0;
    };
  };
  readonly responses: {
    readonly input_tokens: 200;
    readonly input_tokens_details: { readonly cached_tokens: 50 };
    readonly output_tokens: 40;
    readonly output_tokens_details: { readonly reasoning_tokens: 5 };
    readonly total_tokens: 240;
  };
  readonly anthropic: {
    readonly messageStart: AnthropicUsage<1>;
    readonly messageDeltaOutputTokens: readonly [12, 25];
    readonly final: AnthropicUsage<25>;
  };
};

export declare const FAKE_COUNT_TOKENS: 42;

export interface FakeOpenAiModel {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: string;
}

export interface FakeAnthropicModel {
  readonly type: 'model';
  readonly id: string;
  readonly display_name: string;
  readonly created_at: string;
}

export declare const FAKE_MODELS: {
  readonly openai: readonly FakeOpenAiModel[];
  readonly anthropic: readonly FakeAnthropicModel[];
};

export type OpenAiErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

export type AnthropicErrorBody = {
  type: 'error';
  error: { type: string; message: string };
};

export declare const FAKE_SSE_ERRORS: {
  readonly chat: {
    readonly error: { readonly message: string; readonly type: 'server_error'; readonly param: null; readonly code: null };
  };
  readonly responses: {
    readonly type: 'error';
    readonly error: { readonly type: 'server_error'; readonly code: 'server_error'; readonly message: string; readonly param: null };
    readonly sequence_number: 1;
  };
  readonly anthropic: {
    readonly type: 'error';
    readonly error: { readonly type: 'overloaded_error'; readonly message: 'Overloaded' };
  };
};

/** `{ error: { message, type, param, code } }`; type defaults to invalid_request_error, param and code to null. */
export declare function openaiErrorBody(opts: { message: string; type?: string; param?: string | null; code?: string | null }): OpenAiErrorBody;

/** `{ type: 'error', error: { type, message } }`, e.g. anthropicErrorBody('overloaded_error', 'Overloaded'). */
export declare function anthropicErrorBody(type: string, message: string): AnthropicErrorBody;
