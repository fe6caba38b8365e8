import { Module } from '@nestjs/common';
import { OrganizationsModule } from '#coderd/organizations/organizations.module.js';
import { UsersModule } from '#coderd/users/users.module.js';
import { GroupsModule } from '../../groups/groups.module.js';
import { BudgetsModule } from '../budgets/budgets.module.js';
import { ModelPricesApiService } from './model-prices-api.service.js';
import { ModelPricesController } from './model-prices.controller.js';
import { SpendExportService } from './spend-export.service.js';
import { GroupSpendController, SpendExportController, UserSpendController } from './spend.controller.js';
import { SpendRepository } from './spend.repository.js';
import { SpendService } from './spend.service.js';

/**
 * AI spend (feature `aibridge`): a user's and a group's budget and spend in the current period, the
 * CSV export of an organization's usage, and model prices. Always mounted, 403 until licensed.
 */
@Module({
  imports: [BudgetsModule, UsersModule, OrganizationsModule, GroupsModule],
  controllers: [UserSpendController, GroupSpendController, SpendExportController, ModelPricesController],
  providers: [SpendRepository, SpendService, SpendExportService, ModelPricesApiService],
})
export class SpendModule {}
