// Anthropic Messages. Stream usage starts in message_start and is updated by message_delta events
// whose counts are CUMULATIVE (keep the last, never sum); input_tokens excludes cached tokens.
import { WireObserver } from './observer.js';
import { isObject, lastUserText, num, requireModel, str, type Observation, type ObservedToolUse, type PreparedRequest, type WireApi } from './types.js';

interface Counts {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
}

class MessagesObserver extends WireObserver {
  private id = '';
  private usage?: Counts;
  private readonly blocks = new Map<number, { id: string; name: string; input: string }>();
  private readonly toolUses: ObservedToolUse[] = [];

  protected observation(): Observation {
    const u = this.usage;
    return {
      providerResponseId: this.id,
      usage: u
        ? {
            providerResponseId: this.id,
            input: num(u.input_tokens),
            output: num(u.output_tokens),
            cacheRead: num(u.cache_read_input_tokens),
            cacheWrite: num(u.cache_creation_input_tokens),
            metadata: {},
          }
        : undefined,
      toolUses: this.toolUses.map((t) => ({ ...t, providerResponseId: this.id })),
    };
  }

  protected onEvent(e: Record<string, unknown>): void {
    switch (e.type) {
      case 'message_start':
        if (isObject(e.message)) {
          this.id = str(e.message.id);
          if (isObject(e.message.usage)) this.usage = { ...e.message.usage };
        }
        break;
      case 'message_delta':
        // Cumulative counts: a later value replaces the earlier one; absent fields stay.
        if (isObject(e.usage)) {
          const merged: Record<string, unknown> = { ...this.usage };
          for (const [k, v] of Object.entries(e.usage)) if (typeof v === 'number') merged[k] = v;
          this.usage = merged;
        }
        break;
      case 'content_block_start':
        if (isObject(e.content_block) && e.content_block.type === 'tool_use') {
          this.blocks.set(num(e.index), { id: str(e.content_block.id), name: str(e.content_block.name), input: '' });
        }
        break;
      case 'content_block_delta': {
        const block = this.blocks.get(num(e.index));
        if (block && isObject(e.delta) && e.delta.type === 'input_json_delta') block.input += str(e.delta.partial_json);
        break;
      }
      case 'content_block_stop': {
        const block = this.blocks.get(num(e.index));
        if (block) {
          this.toolUses.push({ providerResponseId: '', callId: block.id, tool: block.name, input: block.input || '{}' });
          this.blocks.delete(num(e.index));
        }
        break;
      }
    }
  }

  protected onBody(body: Record<string, unknown> | undefined): void {
    if (!body) return;
    this.id = str(body.id);
    if (isObject(body.usage)) this.usage = body.usage;
    for (const block of Array.isArray(body.content) ? body.content : []) {
      if (isObject(block) && block.type === 'tool_use') {
        this.toolUses.push({ providerResponseId: '', callId: str(block.id), tool: str(block.name), input: JSON.stringify(block.input ?? {}) });
      }
    }
  }
}

export const anthropicMessages: WireApi = {
  id: 'anthropic-messages',
  provider: 'anthropic',
  upstreamPath: '/v1/messages',
  prepare(raw: unknown): PreparedRequest | string {
    const r = requireModel(raw);
    if (typeof r === 'string') return r;
    return { body: r.body, model: r.model, stream: r.stream, prompt: lastUserText(r.body.messages, ['text']) };
  },
  observer: (stream) => new MessagesObserver(stream),
};
