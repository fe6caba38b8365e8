/** AI Bridge wire types (Coder's codersdk/aibridge.go), snake_case as on the wire. */
import type { MinimalUser } from './users.js';

/** One token usage report of an upstream response. */
export interface AIBridgeTokenUsage {
  id: string;
  interception_id: string;
  provider_response_id: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_write_input_tokens: number;
  metadata: Record<string, unknown>;
  created_at: string;
}

/** A prompt the user sent through the bridge. */
export interface AIBridgeUserPrompt {
  id: string;
  interception_id: string;
  provider_response_id: string;
  prompt: string;
  metadata: Record<string, unknown>;
  created_at: string;
}

/** A tool call the model made; `injected` tools are the bridge's own MCP tools. */
export interface AIBridgeToolUsage {
  id: string;
  interception_id: string;
  provider_response_id: string;
  /** MCP server of an injected tool; null for a client-defined tool. */
  server_url: string | null;
  tool: string;
  input: string;
  injected: boolean;
  invocation_error: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
}

/** One request intercepted by AI Bridge, with what was recorded about it. */
export interface AIBridgeInterception {
  id: string;
  api_key_id: string | null;
  initiator: MinimalUser;
  provider: string;
  provider_name: string;
  model: string;
  client: string | null;
  metadata: Record<string, unknown>;
  started_at: string;
  ended_at: string | null;
  token_usages: AIBridgeTokenUsage[];
  user_prompts: AIBridgeUserPrompt[];
  tool_usages: AIBridgeToolUsage[];
}

export interface AIBridgeListInterceptionsResponse {
  /** The interceptions the caller may read that match the query, ignoring pagination, counted up to count_cap + 1. */
  count: number;
  /** The most `count` counts exactly (2000); a larger `count` means "more than this". */
  count_cap: number;
  results: AIBridgeInterception[];
}

/** A group's AI spend limit per budget period (Coder's codersdk.GroupAIBudget). No budget: unlimited. */
export interface GroupAIBudget {
  group_id: string;
  /** In micros (1,000,000 = one unit of currency); 0 blocks all spend. */
  spend_limit_micros: number;
  created_at: string;
  updated_at: string;
}

/** `PUT /groups/{group}/ai/budget`. */
export interface UpsertGroupAIBudgetRequest {
  spend_limit_micros: number;
}

/**
 * One user's AI spend limit, replacing their groups' budgets (Coder's codersdk.UserAIBudgetOverride).
 * Spend counts against `group_id`, a group the user is a member of.
 */
export interface UserAIBudgetOverride {
  user_id: string;
  group_id: string;
  spend_limit_micros: number;
  created_at: string;
  updated_at: string;
}

/** `PUT /users/{user}/ai/budget`. */
export interface UpsertUserAIBudgetOverrideRequest {
  group_id: string;
  spend_limit_micros: number;
}

// --- AI spend and model prices (GET /users/{user}/ai/spend, GET /groups/{group}/ai/spend,
// --- GET /organizations/{org}/ai/spend/export, /api/experimental/ai/model-prices) ---

/** The budget that applies to a user in the current period. */
export interface AISpendBudget {
  /** Micros (1,000,000 = one unit of currency) per period. */
  spend_limit_micros: number;
  /** The user's override (wins even when lower), or the highest budget among the user's groups. */
  limit_source: 'user_override' | 'group';
}

/** Coder's UserAISpendStatus. Null budget and group: unlimited. Times are RFC 3339 (UTC). */
export interface UserAISpendStatus {
  user_id: string;
  effective_group_id: string | null;
  effective_budget: AISpendBudget | null;
  current_spend_micros: number;
  period_start: string;
  /** Exclusive: when spend resets. */
  period_end: string;
}

/** One member of a group with their budget (possibly from another group) and spend. */
export interface GroupAISpendMember {
  user_id: string;
  username: string;
  effective_group_id: string | null;
  effective_budget: AISpendBudget | null;
  current_spend_micros: number;
}

/** `GET /groups/{group}/ai/spend`: the period once, then the members the caller may see. */
export interface GroupAISpendStatus {
  period_start: string;
  period_end: string;
  members: GroupAISpendMember[];
}

/** The price of one model in micros per million tokens. */
export interface AIModelPrice {
  provider: 'openai' | 'anthropic';
  model: string;
  input_micros_per_mtok: number;
  output_micros_per_mtok: number;
  cache_read_micros_per_mtok: number;
  cache_write_micros_per_mtok: number;
}

/** `POST /api/experimental/ai/model-prices`: at most 500 entries, each (provider, model) once. */
export interface UpsertAIModelPricesRequest {
  prices: AIModelPrice[];
}
// --- end of AI spend and model prices ---
