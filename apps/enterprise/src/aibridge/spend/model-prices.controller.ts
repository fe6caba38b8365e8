import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { Authenticated } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { RequirePermission } from '#coderd/auth/require-permission.js';
import { AIModelPrice, UpsertAIModelPricesRequest } from './model-prices.dto.js';
import { ModelPricesApiService } from './model-prices-api.service.js';

/** The prices AI Bridge charges usage at (experimental, as in Coder). Owners only. */
@ApiTags('Enterprise')
@Authenticated()
@RequireFeature('aibridge')
@Controller('api/experimental/ai/model-prices')
export class ModelPricesController {
  constructor(private readonly prices: ModelPricesApiService) {}

  @RequirePermission('ai_model_price', 'read')
  @Endpoint('GET', '', {
    id: 'listAIModelPrices',
    summary: 'List AI model prices',
    description: 'Every priced model, by provider then model: the shipped prices and those set by an administrator.',
    response: [AIModelPrice],
    errors: [403],
  })
  list(): AIModelPrice[] {
    return this.prices.list();
  }

  @RequirePermission('ai_model_price', 'update')
  @Endpoint('POST', '', {
    id: 'upsertAIModelPrices',
    summary: 'Set AI model prices',
    description: 'Sets the given prices (replacing existing ones) on every replica and answers with the full list. Usage already recorded keeps its cost.',
    response: [AIModelPrice],
    status: 200,
    errors: [403],
  })
  upsert(@Body() body: UpsertAIModelPricesRequest): Promise<AIModelPrice[]> {
    return this.prices.upsert(body);
  }
}
