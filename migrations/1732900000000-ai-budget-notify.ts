import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to a user's effective AI budget, and every change of their recorded spend, is
 * announced with NOTIFY by the database itself, inside the transaction that made it. Replicas drop
 * what they cached when the change commits, whoever made it: an API call, another replica, or a
 * trigger (leaving a group deletes the override attributed to it).
 *
 * Channel `aibridge_budgets`: payload a user id (their budget may have changed) or '' (anyone's).
 * Channel `aibridge_spend`: payload `<user id> <period start, epoch ms> <total spend, micros>`.
 */
export class AiBudgetNotify1732900000000 implements MigrationInterface {
  name = 'AiBudgetNotify1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_ai_budget_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('aibridge_budgets', OLD.user_id::text); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('aibridge_budgets', NEW.user_id::text); END IF;
        RETURN NULL;
      END $$;

      CREATE TRIGGER trigger_notify_ai_budget_on_override_change
        AFTER INSERT OR UPDATE OR DELETE ON user_ai_budget_overrides
        FOR EACH ROW EXECUTE FUNCTION notify_ai_budget_user_changed();
      CREATE TRIGGER trigger_notify_ai_budget_on_group_member_change
        AFTER INSERT OR UPDATE OR DELETE ON group_members
        FOR EACH ROW EXECUTE FUNCTION notify_ai_budget_user_changed();
      -- Organization members are the members of its Everyone group.
      CREATE TRIGGER trigger_notify_ai_budget_on_org_member_change
        AFTER INSERT OR UPDATE OF user_id, organization_id OR DELETE ON organization_members
        FOR EACH ROW EXECUTE FUNCTION notify_ai_budget_user_changed();

      -- A deleted user drops out of every group (group_members_expanded skips them).
      CREATE FUNCTION notify_ai_budget_user_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('aibridge_budgets', NEW.id::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER trigger_notify_ai_budget_on_user_deleted
        AFTER UPDATE OF deleted ON users
        FOR EACH ROW WHEN (OLD.deleted IS DISTINCT FROM NEW.deleted)
        EXECUTE FUNCTION notify_ai_budget_user_deleted();

      -- A group budget concerns every member of the group: one message for everyone, per statement.
      CREATE FUNCTION notify_ai_budget_all_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('aibridge_budgets', '');
        RETURN NULL;
      END $$;
      CREATE TRIGGER trigger_notify_ai_budget_on_group_budget_change
        AFTER INSERT OR UPDATE OR DELETE ON group_ai_budgets
        FOR EACH STATEMENT EXECUTE FUNCTION notify_ai_budget_all_changed();

      CREATE FUNCTION notify_ai_spend_total() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('aibridge_spend',
          NEW.user_id::text || ' ' || (extract(epoch FROM NEW.period_start) * 1000)::bigint || ' ' || NEW.spend_micros);
        RETURN NULL;
      END $$;
      CREATE TRIGGER trigger_notify_ai_spend_total
        AFTER INSERT OR UPDATE OF spend_micros ON ai_spend_totals
        FOR EACH ROW EXECUTE FUNCTION notify_ai_spend_total();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER trigger_notify_ai_spend_total ON ai_spend_totals;
      DROP FUNCTION notify_ai_spend_total();
      DROP TRIGGER trigger_notify_ai_budget_on_group_budget_change ON group_ai_budgets;
      DROP FUNCTION notify_ai_budget_all_changed();
      DROP TRIGGER trigger_notify_ai_budget_on_user_deleted ON users;
      DROP FUNCTION notify_ai_budget_user_deleted();
      DROP TRIGGER trigger_notify_ai_budget_on_org_member_change ON organization_members;
      DROP TRIGGER trigger_notify_ai_budget_on_group_member_change ON group_members;
      DROP TRIGGER trigger_notify_ai_budget_on_override_change ON user_ai_budget_overrides;
      DROP FUNCTION notify_ai_budget_user_changed();
    `);
  }
}
