import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { RequireFeature } from '#entitlements/require-feature.js';
import { SelfAuthenticated } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import type { AnyRequest } from '#httpapi/http.js';
import { AIBRIDGE_ROOT, GatewayService, routeNotSupported } from './gateway.service.js';

const PASSED_THROUGH = { type: 'object', description: "The provider's answer, unchanged: JSON, or text/event-stream when the request asked to stream." };
const ERRORS = [403, 502, 503, 504];
/** One provider route: documented as returning whatever the provider answers. */
// The provider APIs change nothing the replicas cache (recording is asynchronous): no barrier.
const GatewayRoute = (method: 'GET' | 'POST', path: string, id: string, summary: string) =>
  Endpoint(method, `:provider/${path}`, { id, summary, description: NOTE, status: 200, responseSchema: PASSED_THROUGH, errors: ERRORS, changesState: false });
const CATCH_ALL_DEPTH = 16;
const CATCH_ALL = Array.from({ length: CATCH_ALL_DEPTH }, (_, i) => i + 1).map((depth) => Array.from({ length: depth }, (_, i) => `:s${i}`).join('/'));
const NOTE =
  'Authenticate with your Coder token as `Authorization: Bearer` or `X-Api-Key`; it is replaced by the provider key. ' +
  '`{provider}` is `openai`, `anthropic` or a name from CODER_AIBRIDGE_PROVIDER_<N>_NAME.';

/**
 * AI Bridge's data plane: provider APIs under /api/v2/aibridge/{provider}/. Point an SDK's base URL
 * here (OpenAI: .../openai/v1, Anthropic: .../anthropic) with a Coder token as its API key.
 */
@ApiTags('AI Bridge')
@SelfAuthenticated('BearerToken', 'XApiKey')
@RequireFeature('aibridge')
@Controller(AIBRIDGE_ROOT.slice(1))
export class GatewayController {
  constructor(private readonly gateway: GatewayService) {}

  @GatewayRoute('POST', 'v1/chat/completions', 'aibridgeOpenAIChatCompletions', 'OpenAI chat completions (recorded)')
  chat(@Param('provider') provider: string, @Req() req: AnyRequest, @Res() res: unknown): Promise<void> {
    return this.gateway.handle(provider, 'v1/chat/completions', 'POST', req, res);
  }

  @GatewayRoute('POST', 'v1/responses', 'aibridgeOpenAIResponses', 'OpenAI responses (recorded)')
  responses(@Param('provider') provider: string, @Req() req: AnyRequest, @Res() res: unknown): Promise<void> {
    return this.gateway.handle(provider, 'v1/responses', 'POST', req, res);
  }

  @GatewayRoute('POST', 'v1/messages', 'aibridgeAnthropicMessages', 'Anthropic messages (recorded)')
  messages(@Param('provider') provider: string, @Req() req: AnyRequest, @Res() res: unknown): Promise<void> {
    return this.gateway.handle(provider, 'v1/messages', 'POST', req, res);
  }

  @GatewayRoute('POST', 'v1/messages/count_tokens', 'aibridgeAnthropicCountTokens', 'Anthropic token counting (passed through)')
  countTokens(@Param('provider') provider: string, @Req() req: AnyRequest, @Res() res: unknown): Promise<void> {
    return this.gateway.handle(provider, 'v1/messages/count_tokens', 'POST', req, res);
  }

  @GatewayRoute('GET', 'v1/models', 'aibridgeModels', "The provider's models (passed through)")
  models(@Param('provider') provider: string, @Req() req: AnyRequest, @Res() res: unknown): Promise<void> {
    return this.gateway.handle(provider, 'v1/models', 'GET', req, res);
  }

  @GatewayRoute('GET', 'v1/models/:model', 'aibridgeModel', "One of the provider's models (passed through)")
  model(@Param('provider') provider: string, @Param('model') model: string, @Req() req: AnyRequest, @Res() res: unknown): Promise<void> {
    return this.gateway.handle(provider, `v1/models/${encodeURIComponent(model)}`, 'GET', req, res);
  }

  /**
   * Everything else under /api/v2/aibridge that no other route serves (Coder: "route not supported"),
   * after the same feature gate. Spelled as parameter paths up to 16 segments deep (deeper ones get
   * the generic 404): Fastify and Express disagree on wildcard syntax, parameters mean the same in both.
   */
  @ApiExcludeEndpoint()
  @All(CATCH_ALL)
  unsupported(@Req() req: AnyRequest): never {
    const path = ((req.originalUrl as string | undefined) ?? req.url ?? '').split('?')[0].slice(AIBRIDGE_ROOT.length);
    throw routeNotSupported(req.method ?? 'GET', path);
  }
}
