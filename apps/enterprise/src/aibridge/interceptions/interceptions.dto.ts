import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import type * as sdk from '#sdk/aibridge.js';

/** The few user fields lists of other things carry (codersdk.MinimalUser). */
export class MinimalUser {
  id: string;
  username: string;
  /** Full name; may be empty. */
  name: string;
  avatar_url: string;
}

/** Token counts one upstream response reported. */
export class AIBridgeTokenUsage implements sdk.AIBridgeTokenUsage {
  id: string;
  /** The interception this usage belongs to. */
  interception_id: string;
  /** The provider's id of the response (e.g. an OpenAI `chatcmpl-...` id). */
  provider_response_id: string;
  /** Prompt tokens billed at the full rate. */
  input_tokens: number;
  /** Completion tokens. */
  output_tokens: number;
  /** Prompt tokens served from the provider's prompt cache. */
  cache_read_input_tokens: number;
  /** Prompt tokens written to the provider's prompt cache. */
  cache_write_input_tokens: number;
  /** Provider-specific extra counts, verbatim. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata: Record<string, unknown>;
  created_at: string;
}

/** A prompt the user sent through AI Bridge. */
export class AIBridgeUserPrompt implements sdk.AIBridgeUserPrompt {
  id: string;
  /** The interception this prompt belongs to. */
  interception_id: string;
  /** The provider's id of the response that answered the prompt. */
  provider_response_id: string;
  /** The prompt text. */
  prompt: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata: Record<string, unknown>;
  created_at: string;
}

/** A tool call the model asked for. */
export class AIBridgeToolUsage implements sdk.AIBridgeToolUsage {
  id: string;
  /** The interception this tool call belongs to. */
  interception_id: string;
  /** The provider's id of the response that made the call. */
  provider_response_id: string;
  /** The MCP server of an injected tool; null for a tool the client defined. */
  @ApiProperty({ type: String, nullable: true })
  server_url: string | null;
  /** Tool name (injected tools carry AI Bridge's `bmcp_` prefix). */
  tool: string;
  /** The call's arguments as the model sent them (usually JSON text). */
  input: string;
  /** True when AI Bridge injected the tool and ran it itself; false when the client ran it. */
  injected: boolean;
  /** Why an injected tool call failed; null when it succeeded or was not run by AI Bridge. */
  @ApiProperty({ type: String, nullable: true })
  invocation_error: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata: Record<string, unknown>;
  created_at: string;
}

/** One LLM request intercepted by AI Bridge, with everything recorded about it. */
export class AIBridgeInterception implements sdk.AIBridgeInterception {
  id: string;
  /** The API key the request authenticated with; null when unknown. */
  @ApiProperty({ type: String, nullable: true })
  api_key_id: string | null;
  /** The user who made the request. */
  @Type(() => MinimalUser)
  initiator: MinimalUser;
  /** Provider kind, e.g. `openai` or `anthropic`. */
  provider: string;
  /** The configured provider's name (several providers may share a kind); may be empty. */
  provider_name: string;
  /** The model requested. */
  model: string;
  /** The client guessed from the User-Agent, e.g. `Claude Code`, or `Unknown`. */
  @ApiProperty({ type: String, nullable: true })
  client: string | null;
  /** Request details recorded at interception, verbatim. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata: Record<string, unknown>;
  started_at: string;
  /** When the interception finished; null while it is still in flight. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  ended_at: string | null;
  /** Token usage reports, oldest first. */
  @Type(() => AIBridgeTokenUsage)
  token_usages: AIBridgeTokenUsage[];
  /** User prompts, oldest first. */
  @Type(() => AIBridgeUserPrompt)
  user_prompts: AIBridgeUserPrompt[];
  /** Tool calls, oldest first. */
  @Type(() => AIBridgeToolUsage)
  tool_usages: AIBridgeToolUsage[];
}

export class AIBridgeListInterceptionsResponse implements sdk.AIBridgeListInterceptionsResponse {
  /**
   * The interceptions the caller may read that match the query, ignoring pagination, counted up to
   * `count_cap + 1`: a value above `count_cap` means "more than count_cap".
   */
  count: number;
  /** The most `count` counts exactly: 2000. */
  count_cap: number;
  /** This page, newest first (started_at, then id, descending). */
  @Type(() => AIBridgeInterception)
  results: AIBridgeInterception[];
}
