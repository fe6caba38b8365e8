import { Body, Controller, Param } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { GroupAIBudget, UpsertGroupAIBudgetRequest, UpsertUserAIBudgetOverrideRequest, UserAIBudgetOverride } from './budgets-api.dto.js';
import { GroupBudgetsService } from './group-budgets.service.js';
import { UserOverridesService } from './user-overrides.service.js';

const BOTH_FEATURES = 'Needs the `template_rbac` and `aibridge` features.';

/** A group's AI budget: what each of its members may spend per budget period. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('aibridge', 'template_rbac')
@ApiParam({ name: 'group', description: 'Group ID.', format: 'uuid' })
@Controller('api/v2/groups/:group/ai/budget')
export class GroupAIBudgetController {
  constructor(private readonly budgets: GroupBudgetsService) {}

  @Endpoint('GET', '', {
    id: 'getGroupAIBudget',
    summary: 'Get group AI budget',
    description: `Whoever may read the group (its members included) may read its budget. 404 when the group has none. ${BOTH_FEATURES}`,
    response: GroupAIBudget,
  })
  get(@CurrentActor() actor: Actor, @Param('group') group: string): Promise<GroupAIBudget> {
    return this.budgets.get(actor, group);
  }

  @Endpoint('PUT', '', {
    id: 'upsertGroupAIBudget',
    summary: 'Upsert group AI budget',
    description: `Sets or replaces the budget; needs permission to update the group. Takes effect on the gateway at once. ${BOTH_FEATURES}`,
    response: GroupAIBudget,
    errors: [403],
  })
  upsert(@CurrentActor() actor: Actor, @Param('group') group: string, @Body() body: UpsertGroupAIBudgetRequest): Promise<GroupAIBudget> {
    return this.budgets.upsert(actor, group, body);
  }

  @Endpoint('DELETE', '', {
    id: 'deleteGroupAIBudget',
    summary: 'Delete group AI budget',
    description: `Removes the limit; needs permission to update the group. Idempotent: 204 whether or not there was a budget. ${BOTH_FEATURES}`,
    errors: [403],
  })
  delete(@CurrentActor() actor: Actor, @Param('group') group: string): Promise<void> {
    return this.budgets.delete(actor, group);
  }
}

/** A user's AI budget override: a limit of their own, instead of their groups' budgets. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('aibridge')
@ApiParam({ name: 'user', description: 'User ID, username, or `me`.' })
@Controller('api/v2/users/:user/ai/budget')
export class UserAIBudgetOverrideController {
  constructor(private readonly overrides: UserOverridesService) {}

  @Endpoint('GET', '', {
    id: 'getUserAIBudgetOverride',
    summary: 'Get user AI budget override',
    description: 'Needs permission to read the user. 404 when the user has no override.',
    response: UserAIBudgetOverride,
  })
  get(@CurrentActor() actor: Actor, @Param('user') user: string): Promise<UserAIBudgetOverride> {
    return this.overrides.get(actor, user);
  }

  @Endpoint('PUT', '', {
    id: 'upsertUserAIBudgetOverride',
    summary: 'Upsert user AI budget override',
    description:
      'Sets or replaces the override; needs permission to update the user and the group. The user must be a member of the group ' +
      '(400 otherwise); a group the caller cannot read is 404. Takes effect on the gateway at once.',
    response: UserAIBudgetOverride,
    errors: [403],
  })
  upsert(
    @CurrentActor() actor: Actor,
    @Param('user') user: string,
    @Body() body: UpsertUserAIBudgetOverrideRequest,
  ): Promise<UserAIBudgetOverride> {
    return this.overrides.upsert(actor, user, body);
  }

  @Endpoint('DELETE', '', {
    id: 'deleteUserAIBudgetOverride',
    summary: 'Delete user AI budget override',
    description:
      "Needs permission to update the user and the override's group. Idempotent: 204 whether or not there was an override.",
    errors: [403],
  })
  delete(@CurrentActor() actor: Actor, @Param('user') user: string): Promise<void> {
    return this.overrides.delete(actor, user);
  }
}
