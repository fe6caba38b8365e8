import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden } from '#httpapi/api-error.js';
import { ACTOR_KEY, type Actor } from '#httpapi/auth-decorators.js';
import { routeDeclaration } from '#httpapi/route-declaration.js';
import type { Action, ResourceType } from '#rbac/policy.js';
import { AuthzService } from './authz.service.js';

const REQUIRED_PERMISSION = 'coder:required-permission';

interface RequiredPermission {
  type: ResourceType;
  action: Action;
}

/**
 * A site-wide permission checked before the request body is read, as Coder authorizes before it
 * parses (a caller without the right learns nothing from validation errors). For routes about a
 * resource type as a whole (licenses); object-level checks stay in the services.
 */
export const RequirePermission = (type: ResourceType, action: Action) => SetMetadata(REQUIRED_PERMISSION, { type, action } satisfies RequiredPermission);

@Injectable()
export class PermissionGuard implements CanActivate {
  private readonly required: (ctx: ExecutionContext) => RequiredPermission | undefined;

  constructor(
    reflector: Reflector,
    private readonly authz: AuthzService,
  ) {
    this.required = routeDeclaration<RequiredPermission>(reflector, REQUIRED_PERMISSION);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const required = this.required(ctx);
    if (!required) return true;
    const actor = ctx.switchToHttp().getRequest()[ACTOR_KEY] as Actor | undefined;
    if (!actor || !this.authz.can(actor, required.action, { type: required.type })) throw forbidden();
    return true;
  }
}
