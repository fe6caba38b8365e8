import { Module, type DynamicModule } from '@nestjs/common';
import { BudgetsApiModule } from './budgets/api/budgets-api.module.js';
import { CoderdKeysModule } from './coderd-keys/coderd-keys.module.js';
import { GatewayModule } from './gateway/gateway.module.js';
import { InterceptionsModule } from './interceptions/interceptions.module.js';
import { SpendModule } from './spend/spend.module.js';

/**
 * AI Bridge (feature `aibridge`, on when CODER_AIBRIDGE_ENABLED=true): the LLM gateway and its
 * management routes. The management modules come first so that, on routers that match in
 * declaration order, their static routes win over the gateway's catch-all.
 */
@Module({})
export class AibridgeModule {
  static register(): DynamicModule {
    return {
      module: AibridgeModule,
      imports: [InterceptionsModule, CoderdKeysModule, BudgetsApiModule, SpendModule, GatewayModule],
    };
  }
}
