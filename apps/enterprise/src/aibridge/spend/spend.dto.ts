import { ApiProperty } from '@nestjs/swagger';

export const LIMIT_SOURCES = ['user_override', 'group'] as const;

/** The budget that applies to a user in the current period. */
export class AISpendBudget {
  /** The most the user may spend per period, in micros (1 USD = 1,000,000). */
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0 })
  spend_limit_micros: number;
  /**
   * Where the limit comes from: the user's own override (which wins even when lower), or the highest
   * budget among the user's groups (the Everyone group included).
   */
  @ApiProperty({ enum: LIMIT_SOURCES })
  limit_source: (typeof LIMIT_SOURCES)[number];
}

/** A user's AI spend in the current budget period (Coder's UserAISpendStatus). */
export class UserAISpendStatus {
  @ApiProperty({ format: 'uuid' })
  user_id: string;
  /** The group the spend counts against (the override's group, or the group with the highest budget); null when unlimited. */
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  effective_group_id: string | null;
  /** The budget that applies; null when no budget applies (unlimited). */
  @ApiProperty({ type: AISpendBudget, nullable: true })
  effective_budget: AISpendBudget | null;
  /**
   * What the user spent so far in the period, in micros, as recorded (usage is written in batches, so
   * a request that just finished may take a moment to count).
   */
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0 })
  current_spend_micros: number;
  /** Start of the budget period (inclusive, UTC; CODER_AIBRIDGE_BUDGET_PERIOD: day, week from Monday, or month). */
  @ApiProperty({ format: 'date-time' })
  period_start: string;
  /** End of the budget period (exclusive): when spend resets. */
  @ApiProperty({ format: 'date-time' })
  period_end: string;
}

/** One member of a group with their budget and spend. */
export class GroupAISpendMember {
  @ApiProperty({ format: 'uuid' })
  user_id: string;
  /** The member's username. */
  username: string;
  /** The group the member's spend counts against (not necessarily this group); null when unlimited. */
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  effective_group_id: string | null;
  /** The member's effective budget; null when unlimited. */
  @ApiProperty({ type: AISpendBudget, nullable: true })
  effective_budget: AISpendBudget | null;
  /** What the member spent so far in the period, in micros. */
  @ApiProperty({ type: 'integer', format: 'int64', minimum: 0 })
  current_spend_micros: number;
}

/** The AI spend of a group's members in the current budget period. */
export class GroupAISpendStatus {
  /** Start of the budget period (inclusive, UTC). */
  @ApiProperty({ format: 'date-time' })
  period_start: string;
  /** End of the budget period (exclusive). */
  @ApiProperty({ format: 'date-time' })
  period_end: string;
  /** The members the caller may see (a plain member sees only themselves), by username. */
  @ApiProperty({ type: [GroupAISpendMember] })
  members: GroupAISpendMember[];
}
