// OpenAI Chat Completions. Usage in a stream comes only when the request asks for it
// (stream_options.include_usage), in a chunk that may or may not have choices; prompt_tokens
// includes cached tokens (ai-gateway-facts §1a).
import { WireObserver } from './observer.js';
import { isObject, lastUserText, num, requireModel, str, type Observation, type ObservedToolUse, type ObservedUsage, type PreparedRequest, type WireApi } from './types.js';

export function openaiUsage(responseId: string, usage: Record<string, unknown>): ObservedUsage {
  const prompt = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isObject(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  const cached = num(prompt.cached_tokens);
  const metadata: Record<string, number> = {};
  for (const [k, v] of Object.entries({ ...completion, audio_input_tokens: prompt.audio_tokens })) {
    if (typeof v === 'number' && v > 0) metadata[k] = v;
  }
  return {
    providerResponseId: responseId,
    input: Math.max(0, num(usage.prompt_tokens) - cached),
    output: num(usage.completion_tokens),
    cacheRead: cached,
    cacheWrite: 0,
    metadata,
  };
}

interface PartialCall {
  id: string;
  name: string;
  args: string;
}

class ChatObserver extends WireObserver {
  private id = '';
  private usage?: Record<string, unknown>;
  /** Streamed tool calls, keyed by choice and tool-call index; their parts arrive over many chunks. */
  private readonly partial = new Map<string, PartialCall>();
  private readonly complete: ObservedToolUse[] = [];

  protected observation(): Observation {
    const streamed = [...this.partial.values()].filter((c) => c.name !== '').map((c) => ({ providerResponseId: this.id, callId: c.id, tool: c.name, input: c.args }));
    return { providerResponseId: this.id, usage: this.usage ? openaiUsage(this.id, this.usage) : undefined, toolUses: [...this.complete, ...streamed] };
  }

  protected onEvent(chunk: Record<string, unknown>): void {
    if (!this.id && typeof chunk.id === 'string') this.id = chunk.id;
    // Some providers report usage on a chunk that still has choices; take it wherever it is.
    if (isObject(chunk.usage)) this.usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      if (!isObject(choice) || !isObject(choice.delta) || !Array.isArray(choice.delta.tool_calls)) continue;
      for (const tc of choice.delta.tool_calls) {
        if (!isObject(tc)) continue;
        const key = `${num(choice.index)}:${num(tc.index)}`;
        const call = this.partial.get(key) ?? { id: '', name: '', args: '' };
        const fn = isObject(tc.function) ? tc.function : {};
        if (typeof tc.id === 'string' && tc.id) call.id = tc.id;
        if (typeof fn.name === 'string' && fn.name) call.name = fn.name;
        call.args += str(fn.arguments);
        this.partial.set(key, call);
      }
    }
  }

  protected onBody(body: Record<string, unknown> | undefined): void {
    if (!body) return;
    this.id = str(body.id);
    if (isObject(body.usage)) this.usage = body.usage;
    for (const choice of Array.isArray(body.choices) ? body.choices : []) {
      const calls = isObject(choice) && isObject(choice.message) && Array.isArray(choice.message.tool_calls) ? choice.message.tool_calls : [];
      for (const tc of calls) {
        if (!isObject(tc) || !isObject(tc.function)) continue;
        this.complete.push({ providerResponseId: this.id, callId: str(tc.id), tool: str(tc.function.name), input: str(tc.function.arguments) });
      }
    }
  }
}

export const openaiChat: WireApi = {
  id: 'openai-chat',
  provider: 'openai',
  upstreamPath: '/chat/completions',
  prepare(raw: unknown): PreparedRequest | string {
    const r = requireModel(raw);
    if (typeof r === 'string') return r;
    const body = r.stream
      ? { ...r.body, stream_options: { ...(isObject(r.body.stream_options) ? r.body.stream_options : {}), include_usage: true } }
      : r.body;
    return { body, model: r.model, stream: r.stream, prompt: lastUserText(r.body.messages, ['text']) };
  },
  observer: (stream) => new ChatObserver(stream),
};
