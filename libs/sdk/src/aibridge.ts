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
  /** Every interception the caller may read that matches the query, ignoring pagination. */
  count: number;
  results: AIBridgeInterception[];
}
