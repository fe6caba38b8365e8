// OpenAI Responses. Usage arrives on the final response object (response.completed, or
// response.incomplete / response.failed); input_tokens includes cached tokens.
import { WireObserver } from './observer.js';
import { isObject, lastUserText, num, requireModel, str, type Observation, type ObservedToolUse, type ObservedUsage, type PreparedRequest, type WireApi } from './types.js';

const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function responsesUsage(responseId: string, usage: Record<string, unknown>): ObservedUsage {
  const input = isObject(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const output = isObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  const cached = num(input.cached_tokens);
  const metadata: Record<string, number> = {};
  if (num(output.reasoning_tokens) > 0) metadata.reasoning_tokens = num(output.reasoning_tokens);
  return { providerResponseId: responseId, input: Math.max(0, num(usage.input_tokens) - cached), output: num(usage.output_tokens), cacheRead: cached, cacheWrite: 0, metadata };
}

function lastUserPrompt(input: unknown): string | undefined {
  return typeof input === 'string' ? input : lastUserText(input, ['input_text', 'text']);
}

function functionCall(responseId: string, item: unknown): ObservedToolUse | undefined {
  if (!isObject(item) || item.type !== 'function_call' || str(item.name) === '') return undefined;
  return { providerResponseId: responseId, callId: str(item.call_id), tool: str(item.name), input: str(item.arguments) };
}

class ResponsesObserver extends WireObserver {
  /** The final response object: the blocking body, or the payload of the last stream event. */
  private response?: Record<string, unknown>;
  private id = '';
  private readonly streamedCalls: ObservedToolUse[] = [];

  protected observation(): Observation {
    const r = this.response;
    const id = r ? str(r.id) || this.id : this.id;
    const outputCalls = r && Array.isArray(r.output) ? r.output.map((item) => functionCall(id, item)).filter((c) => c !== undefined) : [];
    return {
      providerResponseId: id,
      usage: r && isObject(r.usage) ? responsesUsage(id, r.usage) : undefined,
      // The final response lists every output item; events are the fallback when it never came.
      toolUses: r ? outputCalls : this.streamedCalls.map((c) => ({ ...c, providerResponseId: id })),
    };
  }

  protected onEvent(e: Record<string, unknown>): void {
    const type = str(e.type);
    if (isObject(e.response)) {
      if (!this.id) this.id = str(e.response.id);
      if (FINAL_EVENTS.has(type)) this.response = e.response;
    }
    if (type === 'response.output_item.done') {
      const call = functionCall(this.id, e.item);
      if (call) this.streamedCalls.push(call);
    }
  }

  protected onBody(body: Record<string, unknown> | undefined): void {
    this.response = body;
  }
}

export const openaiResponses: WireApi = {
  id: 'openai-responses',
  provider: 'openai',
  upstreamPath: '/responses',
  prepare(raw: unknown): PreparedRequest | string {
    const r = requireModel(raw);
    if (typeof r === 'string') return r;
    return { body: r.body, model: r.model, stream: r.stream, prompt: lastUserPrompt(r.body.input) };
  },
  observer: (stream) => new ResponsesObserver(stream),
};
