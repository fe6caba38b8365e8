import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The agent API: agent tokens stored as their sha256 (like API keys, never in clear), agent logs and
 * their sources (Coder's workspace_agent_logs and workspace_agent_log_sources).
 */
export class WorkspaceAgents1733400000000 implements MigrationInterface {
  name = 'WorkspaceAgents1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE workspace_agents ADD COLUMN hashed_auth_token bytea;
      UPDATE workspace_agents SET hashed_auth_token = sha256(convert_to(auth_token::text, 'UTF8'));
      ALTER TABLE workspace_agents ALTER COLUMN hashed_auth_token SET NOT NULL;
      DROP INDEX workspace_agents_auth_token_idx;
      ALTER TABLE workspace_agents DROP COLUMN auth_token;
      CREATE INDEX workspace_agents_hashed_auth_token_idx ON workspace_agents (hashed_auth_token);

      CREATE TABLE workspace_agent_log_sources (
        workspace_agent_id uuid NOT NULL REFERENCES workspace_agents(id) ON DELETE CASCADE,
        id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        display_name varchar(127) NOT NULL,
        icon text NOT NULL DEFAULT '',
        PRIMARY KEY (workspace_agent_id, id)
      );

      CREATE TABLE workspace_agent_logs (
        id bigserial PRIMARY KEY,
        agent_id uuid NOT NULL REFERENCES workspace_agents(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        output varchar(1024) NOT NULL,
        level log_level NOT NULL DEFAULT 'info',
        log_source_id uuid NOT NULL
      );
      CREATE INDEX workspace_agent_logs_agent_id_id_idx ON workspace_agent_logs (agent_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE workspace_agent_logs;
      DROP TABLE workspace_agent_log_sources;
      -- The clear tokens are gone: agents get new ones on their next build.
      ALTER TABLE workspace_agents ADD COLUMN auth_token uuid NOT NULL DEFAULT gen_random_uuid();
      CREATE INDEX workspace_agents_auth_token_idx ON workspace_agents (auth_token);
      DROP INDEX workspace_agents_hashed_auth_token_idx;
      ALTER TABLE workspace_agents DROP COLUMN hashed_auth_token;
    `);
  }
}
