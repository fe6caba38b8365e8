import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '#httpapi/api-error.js';
import { ACTOR_KEY, AUTH_KIND, type Actor, type AuthKind } from '#httpapi/auth-decorators.js';
import { clientIp, header, routePattern, type AnyRequest } from '#httpapi/http.js';
import { FixedWindowLimiter } from '#httpapi/rate-limiter.js';
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

  constructor(
    private readonly reflector: Reflector,
    @Inject(DEPLOYMENT_CONFIG) config: DeploymentConfig,
  ) {
    if (!config.rateLimitDisableAll && config.apiRateLimit > 0) this.api = new FixedWindowLimiter(config.apiRateLimit, MINUTE);
    if (!config.rateLimitDisableAll && config.loginRateLimit > 0) this.login = new FixedWindowLimiter(config.loginRateLimit, MINUTE);
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.api && !this.login) return true;
    // Routes that authenticate themselves (AI Bridge) have limits of their own.
    if (this.selfAuthenticated(ctx)) return true;
    const req = ctx.switchToHttp().getRequest<AnyRequest>();
    const route = routePattern(req);
    if (!route.startsWith('/api/v2')) return true;
    const actor = req[ACTOR_KEY] as Actor | undefined;
    const endpoint = `${req.method} ${route}`;
    if (this.login && this.reflector.get<boolean>(LOGIN_LIMITED, ctx.getHandler())) {
      this.check(this.login, `${clientIp(req)} ${endpoint}`);
    }
    if (!this.api) return true;
    if (actor && header(req, 'x-coder-bypass-ratelimit') === 'true' && actor.subject.siteRoles.includes('owner')) return true;
    this.check(this.api, `${actor ? actor.userId : clientIp(req)} ${endpoint}`);
    return true;
  }

  /** Declarations never change after boot; read each handler's once. */
  private readonly selfRoutes = new WeakMap<object, boolean>();

  private selfAuthenticated(ctx: ExecutionContext): boolean {
    const handler = ctx.getHandler();
    let self = this.selfRoutes.get(handler);
    if (self === undefined) {
      self = this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, [handler, ctx.getClass()]) === 'self';
      this.selfRoutes.set(handler, self);
    }
    return self;
  }

  private check(limiter: FixedWindowLimiter, key: string): void {
    const r = limiter.hit(key);
    if (r.allowed) return;
    throw new ApiError(429, `You've been rate limited for sending more than ${limiter.limit} requests in 1m0s.`, undefined, undefined, {
      'Retry-After': String(r.retryAfterSeconds),
    });
  }
}
