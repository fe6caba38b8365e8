import type * as sdk from '#sdk/aibridge.js';
import type { InterceptionChildren, InterceptionRow } from './interceptions.repository.js';

/** A page of interceptions with their recorded rows attached (children keep their query order). */
export function toInterceptions(rows: InterceptionRow[], children: InterceptionChildren): sdk.AIBridgeInterception[] {
  const tokens = byInterception(children.token_usages);
  const prompts = byInterception(children.user_prompts);
  const tools = byInterception(children.tool_usages);
  return rows.map((r) => ({
    id: r.id,
    api_key_id: r.api_key_id,
    initiator: { id: r.initiator_id, username: r.initiator_username, name: r.initiator_name, avatar_url: r.initiator_avatar_url },
    provider: r.provider,
    provider_name: r.provider_name,
    model: r.model,
    client: r.client,
    metadata: r.metadata,
    started_at: r.started_at,
    ended_at: r.ended_at,
    token_usages: tokens.get(r.id) ?? [],
    user_prompts: prompts.get(r.id) ?? [],
    tool_usages: tools.get(r.id) ?? [],
  }));
}

function byInterception<T extends { interception_id: string }>(items: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(item.interception_id);
    if (list) list.push(item);
    else map.set(item.interception_id, [item]);
  }
  return map;
}
