import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { GroupsService, groupObject } from '#enterprise/groups/groups.service.js';
import type { GroupAIBudget, UpsertGroupAIBudgetRequest } from './budgets-api.dto.js';
import { BudgetsApiRepository, type BudgetGroupRow, type GroupBudgetRow } from './budgets-api.repository.js';

export const GROUP_BUDGET_RESOURCE = 'group_ai_budget';

const toBudget = (r: GroupBudgetRow): GroupAIBudget => ({
  group_id: r.group_id,
  spend_limit_micros: r.spend_limit_micros,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** A foreign key failed: the group was deleted between its lookup and the write. */
export const isForeignKeyViolation = (err: unknown) => (err as { code?: string }).code === '23503';

/**
 * Group AI budgets (Coder's enterprise/coderd/aibridge.go): readable by whoever may read the group
 * (its members included), changed by whoever may update it.
 */
@Injectable()
export class GroupBudgetsService {
  constructor(
    private readonly repo: BudgetsApiRepository,
    private readonly groups: GroupsService,
    private readonly authz: AuthzService,
    @Inject(AUDITOR) private readonly auditor: Auditor,
  ) {}

  async get(actor: Actor, groupParam: string): Promise<GroupAIBudget> {
    const group = await this.groups.resolve(actor, groupParam);
    const budget = await this.repo.groupBudget(group.id);
    if (!budget) throw notFound();
    return toBudget(budget);
  }

  async upsert(actor: Actor, groupParam: string, req: UpsertGroupAIBudgetRequest): Promise<GroupAIBudget> {
    const group = await this.groups.resolve(actor, groupParam);
    this.authz.require(actor, 'update', groupObject(group));
    const row = await this.repo.upsertGroupBudget(group.id, req.spend_limit_micros).catch((err: unknown) => {
      if (isForeignKeyViolation(err)) throw notFound();
      throw err;
    });
    // Coder audits an upsert as `write`, new or not; the old value tells them apart.
    this.audit(actor, 'write', group, {
      old_spend_limit_micros: row.old_spend_limit_micros,
      spend_limit_micros: row.spend_limit_micros,
    });
    return toBudget(row);
  }

  /** Idempotent: 204 whether or not the group had a budget. */
  async delete(actor: Actor, groupParam: string): Promise<void> {
    const group = await this.groups.resolve(actor, groupParam);
    this.authz.require(actor, 'update', groupObject(group));
    const deleted = await this.repo.deleteGroupBudget(group.id);
    if (!deleted) return;
    this.audit(actor, 'delete', group, { old_spend_limit_micros: deleted.spend_limit_micros, spend_limit_micros: null });
  }

  private audit(actor: Actor, action: 'write' | 'delete', g: BudgetGroupRow, fields: Record<string, unknown>): void {
    this.auditor.record({
      action,
      resource_type: GROUP_BUDGET_RESOURCE,
      resource_id: g.id,
      resource_target: g.name,
      user_id: actor.userId,
      organization_id: g.organization_id,
      additional_fields: fields,
    });
  }
}
