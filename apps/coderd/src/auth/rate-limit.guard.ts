import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError, ProtocolError } from '#httpapi/api-error.js';
import { ACTOR_KEY, AUTH_KIND, type Actor, type AuthKind } from '#httpapi/auth-decorators.js';
import { clientIp, header, routePattern, type AnyRequest } from '#httpapi/http.js';
import { FixedWindowLimiter } from '#httpapi/rate-limiter.js';
import { routeDeclaration } from '#httpapi/route-declaration.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';

const LOGIN_LIMITED = 'coder:login-rate-limited';
/** Login and first-user endpoints get Coder's separate, strict per-IP limit. */
export const LoginRateLimited = () => SetMetadata(LOGIN_LIMITED, true);

const MINUTE = 60_000;

/**
 * Coder's /api/v2 limiter: N requests per minute per user (per IP when anonymous) and endpoint.
 * Owners may bypass it with `X-Coder-Bypass-Ratelimit: true`.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly api?: FixedWindowLimiter;
  private readonly login?: FixedWindowLimiter;

  private readonly authKind: (ctx: ExecutionContext) => AuthKind | undefined;
  private readonly loginLimited: (ctx: ExecutionContext) => boolean | undefined;

  constructor(
    reflector: Reflector,
    @Inject(DEPLOYMENT_CONFIG) config: DeploymentConfig,
  ) {
    this.authKind = routeDeclaration<AuthKind>(reflector, AUTH_KIND);
    this.loginLimited = routeDeclaration<boolean>(reflector, LOGIN_LIMITED);
    if (!config.rateLimitDisableAll && config.apiRateLimit > 0) this.api = new FixedWindowLimiter(config.apiRateLimit, MINUTE);
    if (!config.rateLimitDisableAll && config.loginRateLimit > 0) this.login = new FixedWindowLimiter(config.loginRateLimit, MINUTE);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.api && !this.login) return true;
    // Routes that authenticate themselves (AI Bridge) have limits of their own.
    if (this.selfAuthenticated(ctx)) return true;
    const req = ctx.switchToHttp().getRequest<AnyRequest>();
    const route = routePattern(req);
    const endpoint = `${req.method} ${route}`;
    // The strict per-IP limit holds wherever a route asks for it (login pages and the OAuth2 protocol endpoints too).
    if (this.login && this.loginLimited(ctx)) {
      this.check(this.login, `${clientIp(req)} ${endpoint}`, route);
    }
    if (!route.startsWith('/api/v2')) return true;
    const actor = req[ACTOR_KEY] as Actor | undefined;
    if (!this.api) return true;
    if (actor && header(req, 'x-coder-bypass-ratelimit') === 'true' && actor.subject.siteRoles.includes('owner')) return true;
    this.check(this.api, `${actor ? actor.userId : clientIp(req)} ${endpoint}`, route);
    return true;
  }


  private selfAuthenticated(ctx: ExecutionContext): boolean {
    return this.authKind(ctx) === 'self';
  }

  private check(limiter: FixedWindowLimiter, key: string, route: string): void {
    const r = limiter.hit(key);
    if (r.allowed) return;
    const message = `You've been rate limited for sending more than ${limiter.limit} requests in 1m0s.`;
    const headers = { 'Retry-After': String(r.retryAfterSeconds) };
    // OAuth2 clients read RFC 6749 error bodies on the protocol endpoints.
    if (route.startsWith('/oauth2/')) throw new ProtocolError(429, { error: 'temporarily_unavailable', error_description: message }, message, headers);
    throw new ApiError(429, message, undefined, undefined, headers);
  }
}
