import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ApiError, invalidField } from '#httpapi/api-error.js';
import { Authenticated, CurrentActor, type Actor } from '#httpapi/auth-decorators.js';
import { Endpoint } from '#httpapi/endpoint.js';
import { isResourceType, isValidAction, type Action } from '#rbac/policy.js';
import { AuthzService } from '../auth/authz.service.js';
import { AuthorizationCheck, AuthorizationRequest } from './authcheck.dto.js';
import { toValidations } from '#httpapi/validation.js';

const MAX_CHECKS = 100;

/** Lets clients (the dashboard) ask which actions the caller may take, without trying them. */
@ApiTags('Authorization')
@Authenticated()
@Controller('api/v2')
export class AuthCheckController {
  constructor(private readonly authz: AuthzService) {}

  @Endpoint('POST', 'authcheck', {
    id: 'checkAuthorization',
    summary: 'Check authorization',
    status: 200,
    responseSchema: { type: 'object', additionalProperties: { type: 'boolean' } },
  })
  check(@CurrentActor() actor: Actor, @Body() body: AuthorizationRequest): Record<string, boolean> {
    const entries = Object.entries(body.checks);
    if (entries.length > MAX_CHECKS) throw invalidField('checks', `At most ${MAX_CHECKS} checks per request.`);
    const out: Record<string, boolean> = {};
    for (const [name, raw] of entries) {
      const c = plainToInstance(AuthorizationCheck, raw);
      const errors = validateSync(c, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length) throw new ApiError(400, 'Validation failed.', undefined, toValidations(errors, `checks.${name}`));
      const { resource_type: type, owner_id, organization_id, resource_id, any_org } = c.object;
      if (!isResourceType(type)) throw invalidField(`checks.${name}.object.resource_type`, `"${type}" is not a resource type.`);
      if (!isValidAction(type, c.action)) throw invalidField(`checks.${name}.action`, `"${c.action}" is not an action of "${type}".`);
      const action = c.action as Action;
      const object = { type, id: resource_id, ownerId: owner_id };
      const orgs = any_org ? Object.keys(actor.subject.orgRoles) : [organization_id];
      out[name] = orgs.some((orgId) => this.authz.can(actor, action, { ...object, orgId }));
    }
    return out;
  }
}
