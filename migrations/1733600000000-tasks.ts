import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AI tasks (Coder's tasks): an AI agent run in a workspace, found by id or by its owner and name;
 * the statuses apps report (workspace_app_statuses, a task's current state); and the app a build
 * runs its task in.
 */
export class Tasks1733600000000 implements MigrationInterface {
  name = 'Tasks1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name varchar(128) NOT NULL,
        display_name varchar(64) NOT NULL DEFAULT '',
        workspace_id uuid REFERENCES workspaces(id) ON DELETE SET NULL,
        template_version_id uuid NOT NULL REFERENCES template_versions(id) ON DELETE CASCADE,
        template_parameters jsonb NOT NULL DEFAULT '{}',
        prompt text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      -- A name is unique per owner among live tasks: also the index that finds a task by its name.
      CREATE UNIQUE INDEX tasks_owner_id_name_idx ON tasks (owner_id, lower(name)) WHERE deleted_at IS NULL;
      CREATE INDEX tasks_workspace_id_idx ON tasks (workspace_id);
      CREATE INDEX tasks_organization_id_created_at_idx ON tasks (organization_id, created_at DESC);

      CREATE TYPE workspace_app_status_state AS ENUM ('working', 'idle', 'complete', 'failure');
      CREATE TABLE workspace_app_statuses (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        agent_id uuid NOT NULL REFERENCES workspace_agents(id) ON DELETE CASCADE,
        app_id uuid NOT NULL REFERENCES workspace_apps(id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        state workspace_app_status_state NOT NULL,
        message text NOT NULL,
        uri text
      );
      CREATE INDEX workspace_app_statuses_app_id_created_at_idx ON workspace_app_statuses (app_id, created_at DESC);

      ALTER TABLE workspace_builds ADD COLUMN ai_task_sidebar_app_id uuid;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE workspace_builds DROP COLUMN ai_task_sidebar_app_id;
      DROP TABLE workspace_app_statuses;
      DROP TYPE workspace_app_status_state;
      DROP TABLE tasks;
    `);
  }
}
