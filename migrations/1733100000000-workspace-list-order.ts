import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What GET /workspaces sorts by, kept on the workspace row so that a page is an index scan rather
 * than a sort of every workspace: the owner's username (lowercased) and whether the latest build is
 * a start that succeeded (Coder lists running workspaces first). Triggers keep both true from the
 * transactions that change them: a user renamed, a build posted, a build job's status changing.
 */
export class WorkspaceListOrder1733100000000 implements MigrationInterface {
  name = 'WorkspaceListOrder1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE workspaces ADD COLUMN owner_sort text NOT NULL DEFAULT '';
      ALTER TABLE workspaces ADD COLUMN latest_build_up boolean NOT NULL DEFAULT false;
      UPDATE workspaces w SET owner_sort = lower(u.username) FROM users u WHERE u.id = w.owner_id;
      UPDATE workspaces w SET latest_build_up = (b.transition = 'start' AND j.job_status = 'succeeded')
        FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id
        WHERE b.workspace_id = w.id AND b.build_number = (SELECT max(build_number) FROM workspace_builds WHERE workspace_id = w.id);
      CREATE INDEX workspaces_list_order_idx ON workspaces (latest_build_up DESC, owner_sort, lower(name), id) WHERE deleted = false;

      CREATE FUNCTION workspaces_set_owner_sort() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.owner_sort := (SELECT lower(username) FROM users WHERE id = NEW.owner_id);
        RETURN NEW;
      END $$;
      CREATE TRIGGER workspaces_owner_sort BEFORE INSERT OR UPDATE OF owner_id ON workspaces
        FOR EACH ROW EXECUTE FUNCTION workspaces_set_owner_sort();

      CREATE FUNCTION users_rename_workspaces() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE workspaces SET owner_sort = lower(NEW.username) WHERE owner_id = NEW.id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER users_workspaces_owner_sort AFTER UPDATE OF username ON users
        FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username) EXECUTE FUNCTION users_rename_workspaces();

      -- A new build is pending: the workspace is not running until it succeeds.
      CREATE FUNCTION workspace_builds_mark_latest() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE workspaces SET latest_build_up = false WHERE id = NEW.workspace_id AND latest_build_up;
        RETURN NULL;
      END $$;
      CREATE TRIGGER workspace_builds_latest_up AFTER INSERT ON workspace_builds
        FOR EACH ROW EXECUTE FUNCTION workspace_builds_mark_latest();

      CREATE FUNCTION provisioner_jobs_mark_workspace() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE workspaces w SET latest_build_up = (b.transition = 'start' AND NEW.job_status = 'succeeded')
        FROM workspace_builds b
        WHERE b.job_id = NEW.id AND w.id = b.workspace_id
          AND b.build_number = (SELECT max(build_number) FROM workspace_builds WHERE workspace_id = b.workspace_id);
        RETURN NULL;
      END $$;
      CREATE TRIGGER provisioner_jobs_workspace_up AFTER UPDATE ON provisioner_jobs
        FOR EACH ROW WHEN (NEW.type = 'workspace_build' AND OLD.job_status IS DISTINCT FROM NEW.job_status)
        EXECUTE FUNCTION provisioner_jobs_mark_workspace();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER provisioner_jobs_workspace_up ON provisioner_jobs;
      DROP FUNCTION provisioner_jobs_mark_workspace();
      DROP TRIGGER workspace_builds_latest_up ON workspace_builds;
      DROP FUNCTION workspace_builds_mark_latest();
      DROP TRIGGER users_workspaces_owner_sort ON users;
      DROP FUNCTION users_rename_workspaces();
      DROP TRIGGER workspaces_owner_sort ON workspaces;
      DROP FUNCTION workspaces_set_owner_sort();
      DROP INDEX workspaces_list_order_idx;
      ALTER TABLE workspaces DROP COLUMN latest_build_up;
      ALTER TABLE workspaces DROP COLUMN owner_sort;
    `);
  }
}
