import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '#httpapi/api-error.js';
import { ACTOR_KEY, AUTH_KIND, type AuthKind } from '#httpapi/auth-decorators.js';
import { clientIp, routePattern, type AnyRequest } from '#httpapi/http.js';
import { routeDeclaration } from '#httpapi/route-declaration.js';
import { SESSION_TOKEN_COOKIE, extractToken } from '#httpapi/token.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { Authenticator, SIGNED_OUT_MESSAGE } from './authenticator.service.js';
import { withChallenge } from './www-authenticate.js';

/**
 * Global guard: @Authenticated routes need a valid key; @Public routes still recognise one (so the
 * rate limiter can key by user). A route declaring neither is refused: forgetting is not "public".
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly kind: (ctx: ExecutionContext) => AuthKind | undefined;

  constructor(
    reflector: Reflector,
    private readonly authenticator: Authenticator,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {
    this.kind = routeDeclaration<AuthKind>(reflector, AUTH_KIND);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const kind = this.kind(ctx);
    if (kind === 'self') return true;
    const req = ctx.switchToHttp().getRequest<AnyRequest>();
    const token = extractToken(req);
    if (kind === 'public') {
      // Recognised only where it matters (the /api/v2 rate limiter keys by user); /healthz stays free.
      if (token && routePattern(req).startsWith('/api/v2')) {
        req[ACTOR_KEY] = await this.authenticator.authenticate(token, clientIp(req)).catch(() => undefined);
      }
      return true;
    }
    if (kind !== 'authenticated') throw new ApiError(500, 'Route has no authentication declaration.');
    try {
      if (!token) throw new ApiError(401, SIGNED_OUT_MESSAGE, `Cookie "${SESSION_TOKEN_COOKIE}" or query parameter must be provided.`);
      req[ACTOR_KEY] = await this.authenticator.authenticate(token, clientIp(req));
    } catch (err) {
      throw withChallenge(err, this.config.accessUrl);
    }
    return true;
  }
}
