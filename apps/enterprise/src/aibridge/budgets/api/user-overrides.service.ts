import { Inject, Injectable } from '@nestjs/common';
import { badRequest, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import type { UserRow } from '#coderd/users/users.repository.js';
import { userObject, UsersService } from '#coderd/users/users.service.js';
import { GroupsService, groupObject } from '#enterprise/groups/groups.service.js';
import type { UpsertUserAIBudgetOverrideRequest, UserAIBudgetOverride } from './budgets-api.dto.js';
import { BudgetsApiRepository, MUST_BE_GROUP_MEMBER, type BudgetGroupRow, type OverrideRow } from './budgets-api.repository.js';
import { isForeignKeyViolation } from './group-budgets.service.js';

export const OVERRIDE_RESOURCE = 'user_ai_budget_override';

/** Coder's answer when the override's group is not one of the user's. */
const notGroupMember = () =>
  badRequest('User is not a member of the referenced group.', undefined, [{ field: 'group_id', detail: 'user must be a member of this group' }]);

const isNotMember = (err: unknown) => {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23514' && e.constraint === MUST_BE_GROUP_MEMBER;
};

const toOverride = (r: OverrideRow): UserAIBudgetOverride => ({
  user_id: r.user_id,
  group_id: r.group_id,
  spend_limit_micros: r.spend_limit_micros,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/**
 * Per-user AI budget overrides (Coder's enterprise/coderd/aibridge.go). Reading one needs read on
 * the user; setting or removing one needs update on the user and on the group it is attributed to.
 */
@Injectable()
export class UserOverridesService {
  constructor(
    private readonly repo: BudgetsApiRepository,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly authz: AuthzService,
    @Inject(AUDITOR) private readonly auditor: Auditor,
  ) {}

  async get(actor: Actor, userParam: string): Promise<UserAIBudgetOverride> {
    const user = await this.users.resolve(actor, userParam);
    const row = await this.repo.override(user.id);
    if (!row) throw notFound();
    return toOverride(row);
  }

  async upsert(actor: Actor, userParam: string, req: UpsertUserAIBudgetOverrideRequest): Promise<UserAIBudgetOverride> {
    const user = await this.users.resolve(actor, userParam);
    // As Coder: a group that does not exist or that the caller may not read is "not found",
    // before any permission on the user or the group is checked.
    const group = await this.groups.resolve(actor, req.group_id.toLowerCase());
    this.authz.require(actor, 'update', userObject(user));
    this.authz.require(actor, 'update', groupObject(group));
    const row = await this.repo.upsertOverride(user.id, group.id, req.spend_limit_micros).catch((err: unknown) => {
      if (isNotMember(err)) throw notGroupMember();
      if (isForeignKeyViolation(err)) throw notFound();
      throw err;
    });
    this.audit(actor, 'write', user, group, {
      old_group_id: row.old_group_id,
      old_spend_limit_micros: row.old_spend_limit_micros,
      group_id: row.group_id,
      spend_limit_micros: row.spend_limit_micros,
    });
    return toOverride(row);
  }

  /** Idempotent: 204 whether or not the user had an override (the caller must still be allowed to update the user). */
  async delete(actor: Actor, userParam: string): Promise<void> {
    const user = await this.users.resolve(actor, userParam);
    this.authz.require(actor, 'update', userObject(user));
    const deleted = await this.repo.deleteOverride(user.id, (group) => this.authz.require(actor, 'update', groupObject(group)));
    if (!deleted) return;
    this.audit(actor, 'delete', user, deleted.group, {
      old_group_id: deleted.group_id,
      old_spend_limit_micros: deleted.spend_limit_micros,
      group_id: null,
      spend_limit_micros: null,
    });
  }

  private audit(actor: Actor, action: 'write' | 'delete', user: UserRow, group: BudgetGroupRow, fields: Record<string, unknown>): void {
    this.auditor.record({
      action,
      resource_type: OVERRIDE_RESOURCE,
      resource_id: user.id,
      resource_target: user.username,
      user_id: actor.userId,
      organization_id: group.organization_id,
      additional_fields: { group_name: group.name, ...fields },
    });
  }
}
