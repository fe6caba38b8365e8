import { Injectable } from '@nestjs/common';
import { rfc3339 } from '#entitlements/compute.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { UsersService } from '#coderd/users/users.service.js';
import { GroupsService } from '../../groups/groups.service.js';
import { BudgetEnforcer } from '../budgets/budget-enforcer.service.js';
import { BudgetRepository, toEffectiveBudget, type EffectiveBudget } from '../budgets/budget.repository.js';
import type { AISpendBudget, GroupAISpendMember, GroupAISpendStatus, UserAISpendStatus } from './spend.dto.js';
import { SPEND_MEMBER_FILTER_COLUMNS, SpendRepository, type GroupSpendRow } from './spend.repository.js';

/** Budgets and spend in the current period, for one user or for a group's members. */
@Injectable()
export class SpendService {
  constructor(
    private readonly repo: SpendRepository,
    private readonly budgets: BudgetRepository,
    private readonly enforcer: BudgetEnforcer,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly authz: AuthzService,
  ) {}

  /** Readable by whoever may read the user (the user themselves, owners, auditors, admins). */
  async userSpend(actor: Actor, userParam: string, now = new Date()): Promise<UserAISpendStatus> {
    const user = await this.users.resolve(actor, userParam);
    const period = this.enforcer.period(now);
    const { budget, spendMicros } = await this.budgets.budgetAndSpend(user.id, period.start);
    return {
      user_id: user.id,
      ...asReported(budget),
      current_spend_micros: spendMicros,
      period_start: rfc3339(period.start.getTime()),
      period_end: rfc3339(period.end.getTime()),
    };
  }

  /**
   * A group route like the others under /groups/{group}: it needs template_rbac besides aibridge
   * (the route's own gate), checked first. The group must be readable (404 otherwise); its members
   * are those the caller may read as group members (one statement for all of them).
   */
  async groupSpend(actor: Actor, groupParam: string, now = new Date()): Promise<GroupAISpendStatus> {
    const group = await this.groups.resolve(actor, groupParam);
    const period = this.enforcer.period(now);
    const visible = this.authz.sqlFilter(actor, 'read', 'group_member', SPEND_MEMBER_FILTER_COLUMNS);
    const rows = await this.repo.groupSpend(group.id, period.start, visible);
    return {
      period_start: rfc3339(period.start.getTime()),
      period_end: rfc3339(period.end.getTime()),
      members: rows.map(toMember),
    };
  }
}

/** An effective budget as the spend routes report it (nulls: unlimited). */
function asReported(budget: EffectiveBudget | undefined): { effective_group_id: string | null; effective_budget: AISpendBudget | null } {
  return {
    effective_group_id: budget?.groupId ?? null,
    effective_budget: budget ? { spend_limit_micros: budget.limitMicros, limit_source: budget.source } : null,
  };
}

function toMember(r: GroupSpendRow): GroupAISpendMember {
  return { user_id: r.user_id, username: r.username, ...asReported(toEffectiveBudget(r)), current_spend_micros: Number(r.spend_micros) };
}
