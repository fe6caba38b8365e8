import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ENTITLEMENTS, type EntitlementsProvider } from '#entitlements/provider.js';
import { ACTOR_KEY, type Actor } from '#httpapi/auth-decorators.js';
import type { AnyRequest, AnyResponse } from '#httpapi/http.js';
import { AuthzService } from '../auth/authz.service.js';

/** Response header carrying entitlement warnings, one header value per warning. */
export const ENTITLEMENTS_WARNING_HEADER = 'X-Coder-Entitlements-Warning';

/**
 * Coder's post-auth hook: people who may read the deployment configuration see license warnings on
 * every response. Not a gate: it always lets the request through.
 */
@Injectable()
export class EntitlementWarningsGuard implements CanActivate {
  constructor(
    @Inject(ENTITLEMENTS) private readonly entitlements: EntitlementsProvider,
    private readonly authz: AuthzService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const { warnings } = this.entitlements.current();
    if (warnings.length === 0) return true;
    const http = ctx.switchToHttp();
    const actor = http.getRequest<AnyRequest>()[ACTOR_KEY] as Actor | undefined;
    if (actor && this.authz.can(actor, 'read', { type: 'deployment_config' })) {
      http.getResponse<AnyResponse>().header(ENTITLEMENTS_WARNING_HEADER, warnings);
    }
    return true;
  }
}
