// Rows the gateway records, as they are queued for the batched writer.
import type { AIBridgeTokenUsage, AIBridgeUserPrompt } from '#sdk/aibridge.js';

export interface InterceptionRow {
  id: string;
  initiator_id: string;
  api_key_id: string | null;
  provider: string;
  provider_name: string;
  model: string;
  client: string;
  user_agent: string;
  metadata: Record<string, unknown>;
  started_at: string;
  ended_at: string | null;
}

export interface InterceptionEndRow {
  id: string;
  ended_at: string;
  metadata: Record<string, unknown>;
}

/**
 * Rows are written as the interceptions API later returns them, plus what budgets need: the cost, the
 * group it counts against, and the user and period whose total it adds to (not stored on the row).
 */
export type TokenUsageRow = AIBridgeTokenUsage & {
  cost_micros: number;
  priced: boolean;
  effective_group_id: string | null;
  spend_user_id: string;
  spend_period_start: string;
};

export type UserPromptRow = AIBridgeUserPrompt;

export interface ToolUsageRow {
  id: string;
  interception_id: string;
  provider_response_id: string;
  provider_tool_call_id: string;
  tool: string;
  input: string;
  metadata: Record<string, unknown>;
  created_at: string;
}

export interface SeatRow {
  user_id: string;
  used_at: string;
}

/** One transaction's worth of writes. */
export interface RecordingBatch {
  interceptions: InterceptionRow[];
  ends: InterceptionEndRow[];
  tokenUsages: TokenUsageRow[];
  userPrompts: UserPromptRow[];
  toolUsages: ToolUsageRow[];
  seats: SeatRow[];
}

export const batchSize = (b: RecordingBatch): number =>
  b.interceptions.length + b.ends.length + b.tokenUsages.length + b.userPrompts.length + b.toolUsages.length + b.seats.length;

/** Spend settled by the gateway that a write (or an overflow drop) has just taken off the queue. */
export interface WrittenSpend {
  userId: string;
  /** Start of the budget period, epoch milliseconds. */
  periodStart: number;
  /** The sum of the costs taken off the queue for this user and period. */
  micros: number;
  /** The period's total after the write, when the write changed it (absent for dropped rows). */
  totalMicros?: number;
}
