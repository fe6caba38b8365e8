import { Module } from '@nestjs/common';

/** Placeholder until the budget routes are built. */
@Module({})
export class BudgetsApiModule {}
