import { Module } from '@nestjs/common';
import { BudgetEnforcer } from './budget-enforcer.service.js';
import { BudgetRepository } from './budget.repository.js';
import { ModelPricesService } from './model-prices.service.js';

/** AI budgets: model prices, enforcement in the gateway, and (below) their management routes. */
@Module({
  providers: [BudgetEnforcer, BudgetRepository, ModelPricesService],
  exports: [BudgetEnforcer, BudgetRepository, ModelPricesService],
})
export class BudgetsModule {}
