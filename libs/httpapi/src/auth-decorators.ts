import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { Subject } from '#rbac/subject.js';

export const AUTH_KIND = 'coder:auth-kind';
export type AuthKind = 'public' | 'authenticated' | 'self';

/** The authenticated caller, attached to the request by the auth guard. */
export interface Actor {
  userId: string;
  username: string;
  apiKeyId: string;
  subject: Subject;
}

export const ACTOR_KEY = 'coderActor';

/** No session needed (a valid one is still recognised, as Coder's PrecheckAPIKey does). */
export const Public = () => SetMetadata(AUTH_KIND, 'public' satisfies AuthKind);

/** Requires a valid API key; documented with both of Coder's token schemes. */
export const Authenticated = () =>
  applyDecorators(
    SetMetadata(AUTH_KIND, 'authenticated' satisfies AuthKind),
    ApiSecurity('CoderSessionToken'),
    ApiSecurity('BearerToken'),
  );

/**
 * The handler authenticates the request itself, with credentials of its own kind: the AI Bridge data
 * plane (a Coder token as Bearer or X-Api-Key, checked after its overload limits) and coderd keys.
 * The /api/v2 rate limiter does not apply (those routes have their own limits). `schemes` names the
 * OpenAPI security schemes the route accepts.
 */
export const SelfAuthenticated = (...schemes: string[]) =>
  applyDecorators(SetMetadata(AUTH_KIND, 'self' satisfies AuthKind), ...schemes.map((s) => ApiSecurity(s)));

/** Injects the authenticated Actor (only on @Authenticated routes). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest()[ACTOR_KEY];
});
