// What the gateway learns from one exchange with a provider, independent of its wire format.

export interface ObservedUsage {
  providerResponseId: string;
  /** Input tokens NOT read from the cache (OpenAI's prompt_tokens minus cached; Anthropic's input_tokens). */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Further counters the provider reported (reasoning tokens, ...). */
  metadata: Record<string, number>;
}

export interface ObservedToolUse {
  providerResponseId: string;
  callId: string;
  tool: string;
  /** The arguments as the model produced them (JSON text). */
  input: string;
}

export interface Observation {
  providerResponseId: string;
  usage?: ObservedUsage;
  toolUses: ObservedToolUse[];
}

/** Reads a response as it streams past; never alters it. */
export interface ResponseObserver {
  push(chunk: Uint8Array): void;
  finish(): Observation;
}

export interface PreparedRequest {
  /** The body to send upstream (possibly adjusted, e.g. asking for stream usage). */
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** The text of the last user message, when it has any. */
  prompt?: string;
}

/** One intercepted API of a provider. */
export interface WireApi {
  readonly id: 'openai-chat' | 'openai-responses' | 'anthropic-messages';
  readonly provider: 'openai' | 'anthropic';
  /** Appended to the provider's base URL. */
  readonly upstreamPath: string;
  /** Checks and adjusts a request body; a string is the reason it cannot be sent. */
  prepare(body: unknown): PreparedRequest | string;
  observer(stream: boolean): ResponseObserver;
}

/** Accumulates a blocking (JSON) body, bounded; past the bound nothing is observed. */
export class JsonBody {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private overflow = false;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  push(chunk: Uint8Array): void {
    if (this.overflow) return;
    this.size += chunk.byteLength;
    if (this.size > this.maxBytes) {
      this.overflow = true;
      this.chunks.length = 0;
      return;
    }
    this.chunks.push(chunk);
  }

  /** The parsed object, or undefined when it is not JSON (an error page) or was too large. */
  parse(): Record<string, unknown> | undefined {
    if (this.overflow) return undefined;
    try {
      const v: unknown = JSON.parse(Buffer.concat(this.chunks).toString('utf8'));
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Parses one SSE data payload; undefined for anything that is not a JSON object. */
export function parseJsonObject(data: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(data);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The text of a message content: a string, or the text parts of a parts array. */
export function contentText(content: unknown, textTypes: readonly string[]): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.filter((p) => isObject(p) && textTypes.includes(str(p.type)) && typeof p.text === 'string').map((p) => (p as { text: string }).text);
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/**
 * The user's prompt: the text of the conversation's final message when the user wrote it (or of the
 * user message before an assistant prefill). In an agent's tool loop the final message is a tool
 * result (or a user message holding only tool results), so the same prompt is not recorded again
 * on every iteration (Coder's rule).
 */
export function lastUserText(messages: unknown, textTypes: readonly string[]): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  let i = messages.length - 1;
  const isRole = (m: unknown, role: string) => isObject(m) && m.role === role;
  if (isRole(messages[i], 'assistant') && i > 0 && isRole(messages[i - 1], 'user')) i--;
  const m: unknown = messages[i];
  return isObject(m) && m.role === 'user' ? contentText(m.content, textTypes) : undefined;
}

/** Common request checks: an object with a non-empty string `model`. */
export function requireModel(body: unknown): { body: Record<string, unknown>; model: string; stream: boolean } | string {
  if (!isObject(body)) return 'The request body must be a JSON object.';
  if (typeof body.model !== 'string' || body.model === '') return 'The request body must name a "model".';
  return { body, model: body.model, stream: body.stream === true };
}
