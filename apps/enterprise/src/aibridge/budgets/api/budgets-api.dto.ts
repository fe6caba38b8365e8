import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min, type ValidationArguments } from 'class-validator';
import type * as sdk from '#sdk/aibridge.js';

/** Coder's cap on a spend limit: $1,000,000 in micros. */
export const MAX_SPEND_LIMIT_MICROS = 1_000_000_000_000;

const missing = (a: ValidationArguments) => a.value === undefined || a.value === null;
const SPEND_LIMIT_PROPERTY = {
  type: 'integer',
  format: 'int64',
  minimum: 0,
  maximum: MAX_SPEND_LIMIT_MICROS,
  example: 50_000_000,
} as const;

/** Spend limit validation shared by both requests: an integer from 0 to Coder's $1,000,000 cap. */
const SpendLimit = () =>
  applyDecorators(
    ApiProperty(SPEND_LIMIT_PROPERTY),
    IsInt({ message: (a: ValidationArguments) => (missing(a) ? 'Spend limit is required.' : 'Must be an integer number of micros.') }),
    Min(0, { message: 'Must be 0 or more (0 blocks all spend).' }),
    Max(MAX_SPEND_LIMIT_MICROS, { message: `Must be at most ${MAX_SPEND_LIMIT_MICROS} (1,000,000 units of currency).` }),
  );

export class UpsertGroupAIBudgetRequest implements sdk.UpsertGroupAIBudgetRequest {
  /**
   * Most each member of the group may spend through AI Bridge in one budget period, in micros
   * (1,000,000 micros = one unit of currency). 0 blocks all spend; at most 1,000,000,000,000.
   */
  @SpendLimit()
  spend_limit_micros: number;
}

/** A group's AI spend limit per budget period. A group without one sets no limit. */
export class GroupAIBudget implements sdk.GroupAIBudget {
  /** The group the budget belongs to. */
  @ApiProperty({ format: 'uuid' })
  group_id: string;
  /**
   * Most each member may spend in one budget period, in micros (1,000,000 = one unit of
   * currency); 0 blocks all spend. A member of several budgeted groups gets the highest.
   */
  @ApiProperty({ type: 'integer', format: 'int64' })
  spend_limit_micros: number;
  /** When the budget was first set. */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** When the budget was last changed. */
  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}

export class UpsertUserAIBudgetOverrideRequest implements sdk.UpsertUserAIBudgetOverrideRequest {
  /**
   * The group the user's spend counts against; the user must be a member of it (the organization's
   * id names its Everyone group).
   */
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: (a) => (missing(a) ? 'Group ID is required.' : 'Must be a group UUID.') })
  group_id: string;
  /**
   * Most the user may spend through AI Bridge in one budget period, in micros (1,000,000 micros =
   * one unit of currency), whatever their groups' budgets. 0 blocks all spend; at most
   * 1,000,000,000,000.
   */
  @SpendLimit()
  spend_limit_micros: number;
}

/**
 * One user's AI spend limit, which wins over every budget of their groups. It ends when the user
 * leaves the group it is attributed to.
 */
export class UserAIBudgetOverride implements sdk.UserAIBudgetOverride {
  /** The user the limit applies to. */
  @ApiProperty({ format: 'uuid' })
  user_id: string;
  /** The group the user's spend counts against. */
  @ApiProperty({ format: 'uuid' })
  group_id: string;
  /** Most the user may spend in one budget period, in micros; 0 blocks all spend. */
  @ApiProperty({ type: 'integer', format: 'int64' })
  spend_limit_micros: number;
  /** When the override was first set. */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** When the override was last changed. */
  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}
