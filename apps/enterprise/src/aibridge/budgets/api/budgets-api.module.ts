import { Module } from '@nestjs/common';
import { UsersModule } from '#coderd/users/users.module.js';
import { GroupsModule } from '#enterprise/groups/groups.module.js';
import { BudgetsModule } from '../budgets.module.js';
import { GroupAIBudgetController, UserAIBudgetOverrideController } from './budgets-api.controller.js';
import { BudgetsApiRepository } from './budgets-api.repository.js';
import { GroupBudgetsService } from './group-budgets.service.js';
import { UserOverridesService } from './user-overrides.service.js';

/**
 * AI budget management (feature `aibridge`; group budgets also `template_rbac`): group budgets and
 * per-user overrides. Every change is pushed to the gateway's enforcer (BudgetsModule) at once.
 */
@Module({
  imports: [BudgetsModule, UsersModule, GroupsModule],
  controllers: [GroupAIBudgetController, UserAIBudgetOverrideController],
  providers: [BudgetsApiRepository, GroupBudgetsService, UserOverridesService],
})
export class BudgetsApiModule {}
