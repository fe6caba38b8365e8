import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change that can decide whether an agent token still works announces the workspace on
 * `workspace_agent_auth`, from the transaction that makes it, so that every replica drops its cached
 * agent authentications (facts 3.6): a new build, a build job's end or cancel, a workspace's
 * deletion. A job's start changes nothing: pending and running count alike.
 */
export class AgentAuthNotify1733700000000 implements MigrationInterface {
  name = 'AgentAuthNotify1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_workspace_agent_auth_on_build() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('workspace_agent_auth', NEW.workspace_id::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER trigger_notify_workspace_agent_auth_on_build AFTER INSERT ON workspace_builds
        FOR EACH ROW EXECUTE FUNCTION notify_workspace_agent_auth_on_build();

      CREATE FUNCTION notify_workspace_agent_auth_on_job() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('workspace_agent_auth', b.workspace_id::text) FROM workspace_builds b WHERE b.job_id = NEW.id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER trigger_notify_workspace_agent_auth_on_job AFTER UPDATE ON provisioner_jobs
        FOR EACH ROW WHEN (NEW.type = 'workspace_build' AND (OLD.completed_at IS DISTINCT FROM NEW.completed_at
          OR OLD.canceled_at IS DISTINCT FROM NEW.canceled_at))
        EXECUTE FUNCTION notify_workspace_agent_auth_on_job();

      CREATE FUNCTION notify_workspace_agent_auth_on_workspace() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('workspace_agent_auth', NEW.id::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER trigger_notify_workspace_agent_auth_on_workspace AFTER UPDATE ON workspaces
        FOR EACH ROW WHEN (OLD.deleted IS DISTINCT FROM NEW.deleted) EXECUTE FUNCTION notify_workspace_agent_auth_on_workspace();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER trigger_notify_workspace_agent_auth_on_workspace ON workspaces;
      DROP FUNCTION notify_workspace_agent_auth_on_workspace();
      DROP TRIGGER trigger_notify_workspace_agent_auth_on_job ON provisioner_jobs;
      DROP FUNCTION notify_workspace_agent_auth_on_job();
      DROP TRIGGER trigger_notify_workspace_agent_auth_on_build ON workspace_builds;
      DROP FUNCTION notify_workspace_agent_auth_on_build();
    `);
  }
}
