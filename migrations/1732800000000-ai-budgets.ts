import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AI budgets (Coder's group_ai_budgets and user_ai_budget_overrides), model prices, and what spend
 * accounting needs: each token usage's cost and effective group, and per-user, per-period totals
 * that the gateway reads in O(1) instead of summing usage rows.
 */
export class AiBudgets1732800000000 implements MigrationInterface {
  name = 'AiBudgets1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE group_ai_budgets (
        group_id uuid PRIMARY KEY REFERENCES groups(id) ON DELETE CASCADE,
        spend_limit_micros bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT group_ai_budgets_spend_limit_micros_check CHECK (spend_limit_micros >= 0)
      );

      -- Whether the user is in the group; the Everyone group's members are the organization's.
      CREATE FUNCTION is_group_member(p_user_id uuid, p_group_id uuid) RETURNS boolean
        LANGUAGE sql STABLE AS $$
          SELECT EXISTS (SELECT 1 FROM group_members_expanded WHERE user_id = p_user_id AND group_id = p_group_id)
        $$;

      CREATE TABLE user_ai_budget_overrides (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        group_id uuid NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        spend_limit_micros bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT user_ai_budget_overrides_spend_limit_micros_check CHECK (spend_limit_micros >= 0),
        CONSTRAINT user_ai_budget_overrides_must_be_group_member CHECK (is_group_member(user_id, group_id))
      );
      CREATE INDEX user_ai_budget_overrides_group_id_idx ON user_ai_budget_overrides (group_id);

      -- Leaving a group (or the organization, for its Everyone group) ends an override attributed to it.
      CREATE FUNCTION delete_user_ai_budget_overrides_on_group_member_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM user_ai_budget_overrides WHERE user_id = OLD.user_id AND group_id = OLD.group_id;
        RETURN OLD;
      END $$;
      CREATE TRIGGER trigger_delete_user_ai_budget_overrides_on_group_member_delete
        BEFORE DELETE ON group_members
        FOR EACH ROW EXECUTE FUNCTION delete_user_ai_budget_overrides_on_group_member_delete();

      CREATE FUNCTION delete_user_ai_budget_overrides_on_org_member_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM user_ai_budget_overrides WHERE user_id = OLD.user_id AND group_id = OLD.organization_id;
        RETURN OLD;
      END $$;
      CREATE TRIGGER trigger_delete_user_ai_budget_overrides_on_org_member_delete
        BEFORE DELETE ON organization_members
        FOR EACH ROW EXECUTE FUNCTION delete_user_ai_budget_overrides_on_org_member_delete();

      -- Prices in micros (1 unit = 1,000,000) per million tokens.
      CREATE TABLE ai_model_prices (
        provider text NOT NULL,
        model text NOT NULL,
        input_micros_per_mtok bigint NOT NULL,
        output_micros_per_mtok bigint NOT NULL,
        cache_read_micros_per_mtok bigint NOT NULL DEFAULT 0,
        cache_write_micros_per_mtok bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, model),
        CONSTRAINT ai_model_prices_non_negative CHECK (
          input_micros_per_mtok >= 0 AND output_micros_per_mtok >= 0 AND cache_read_micros_per_mtok >= 0 AND cache_write_micros_per_mtok >= 0)
      );

      -- What a usage cost when it was recorded, and the group it counts against (no foreign key:
      -- recorded spend stays attributed to its group after the group is gone).
      ALTER TABLE aibridge_token_usages
        ADD COLUMN cost_micros bigint NOT NULL DEFAULT 0,
        ADD COLUMN priced boolean NOT NULL DEFAULT false,
        ADD COLUMN effective_group_id uuid;

      CREATE TABLE ai_spend_totals (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        period_start timestamptz NOT NULL,
        spend_micros bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, period_start)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE ai_spend_totals;
      ALTER TABLE aibridge_token_usages DROP COLUMN cost_micros, DROP COLUMN priced, DROP COLUMN effective_group_id;
      DROP TABLE ai_model_prices;
      DROP TRIGGER trigger_delete_user_ai_budget_overrides_on_org_member_delete ON organization_members;
      DROP FUNCTION delete_user_ai_budget_overrides_on_org_member_delete();
      DROP TRIGGER trigger_delete_user_ai_budget_overrides_on_group_member_delete ON group_members;
      DROP FUNCTION delete_user_ai_budget_overrides_on_group_member_delete();
      DROP TABLE user_ai_budget_overrides;
      DROP FUNCTION is_group_member(uuid, uuid);
      DROP TABLE group_ai_budgets;
    `);
  }
}
