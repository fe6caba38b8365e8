import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The expression of provisioner_jobs.job_status (Coder's, facts 3.2); the entity repeats it verbatim. */
export const JOB_STATUS_EXPRESSION = `CASE
  WHEN completed_at IS NOT NULL THEN CASE WHEN nullif(error, '') IS NOT NULL THEN 'failed'::provisioner_job_status WHEN canceled_at IS NOT NULL THEN 'canceled'::provisioner_job_status ELSE 'succeeded'::provisioner_job_status END
  WHEN nullif(error, '') IS NOT NULL THEN 'failed'::provisioner_job_status
  WHEN canceled_at IS NOT NULL THEN 'canceling'::provisioner_job_status
  WHEN started_at IS NULL THEN 'pending'::provisioner_job_status
  ELSE 'running'::provisioner_job_status
END`;

/**
 * The workspace domain: uploaded files, templates and their versions, the provisioner job queue with
 * its logs, daemons and keys, workspaces, their builds and what the builds produced (resources,
 * agents, apps, scripts). Columns and names follow Coder's schema (facts 5) so that its semantics
 * (soft deletes, nanosecond durations, zero-time deadlines) carry over unchanged.
 */
export class Workspaces1733000000000 implements MigrationInterface {
  name = 'Workspaces1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE provisioner_type AS ENUM ('echo', 'terraform');
      CREATE TYPE provisioner_storage_method AS ENUM ('file');
      CREATE TYPE provisioner_job_type AS ENUM ('template_version_import', 'workspace_build', 'template_version_dry_run');
      CREATE TYPE provisioner_job_status AS ENUM ('pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed', 'unknown');
      CREATE TYPE log_level AS ENUM ('trace', 'debug', 'info', 'warn', 'error');
      CREATE TYPE log_source AS ENUM ('provisioner_daemon', 'provisioner');
      CREATE TYPE workspace_transition AS ENUM ('start', 'stop', 'delete');
      CREATE TYPE build_reason AS ENUM ('initiator', 'autostart', 'autostop', 'dormancy', 'failedstop', 'autodelete',
        'dashboard', 'cli', 'ssh_connection', 'vscode_connection', 'jetbrains_connection',
        'task_auto_pause', 'task_manual_pause', 'task_resume');
      CREATE TYPE automatic_updates AS ENUM ('always', 'never');
      CREATE TYPE app_sharing_level AS ENUM ('owner', 'authenticated', 'organization', 'public');
      CREATE TYPE workspace_app_health AS ENUM ('disabled', 'initializing', 'healthy', 'unhealthy');
      CREATE TYPE workspace_agent_lifecycle_state AS ENUM ('created', 'starting', 'start_timeout', 'start_error', 'ready',
        'shutting_down', 'shutdown_timeout', 'shutdown_error', 'off');

      CREATE TABLE files (
        id uuid PRIMARY KEY,
        hash varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        mimetype varchar(64) NOT NULL,
        data bytea NOT NULL,
        CONSTRAINT files_hash_created_by_key UNIQUE (hash, created_by)
      );

      CREATE TABLE templates (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        deleted boolean NOT NULL DEFAULT false,
        name varchar(64) NOT NULL,
        provisioner provisioner_type NOT NULL,
        active_version_id uuid NOT NULL,
        description varchar(128) NOT NULL DEFAULT '',
        default_ttl bigint NOT NULL DEFAULT 604800000000000,
        activity_bump bigint NOT NULL DEFAULT 3600000000000,
        failure_ttl bigint NOT NULL DEFAULT 0,
        time_til_dormant bigint NOT NULL DEFAULT 0,
        time_til_dormant_autodelete bigint NOT NULL DEFAULT 0,
        time_til_autostop_notify bigint NOT NULL DEFAULT 0,
        autostop_requirement_days_of_week smallint NOT NULL DEFAULT 0,
        autostop_requirement_weeks bigint NOT NULL DEFAULT 1,
        autostart_block_days_of_week smallint NOT NULL DEFAULT 0,
        created_by uuid NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
        icon varchar(256) NOT NULL DEFAULT '',
        display_name varchar(64) NOT NULL DEFAULT '',
        allow_user_cancel_workspace_jobs boolean NOT NULL DEFAULT true,
        allow_user_autostart boolean NOT NULL DEFAULT true,
        allow_user_autostop boolean NOT NULL DEFAULT true,
        require_active_version boolean NOT NULL DEFAULT false,
        use_classic_parameter_flow boolean NOT NULL DEFAULT false,
        deprecated text NOT NULL DEFAULT '',
        max_port_sharing_level app_sharing_level NOT NULL DEFAULT 'owner',
        cors_behavior text NOT NULL DEFAULT 'simple',
        user_acl jsonb NOT NULL DEFAULT '{}',
        group_acl jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT templates_user_acl_is_object CHECK (jsonb_typeof(user_acl) = 'object'),
        CONSTRAINT templates_group_acl_is_object CHECK (jsonb_typeof(group_acl) = 'object')
      );
      CREATE UNIQUE INDEX templates_organization_id_name_idx ON templates (organization_id, lower(name)) WHERE deleted = false;

      CREATE TABLE template_versions (
        id uuid PRIMARY KEY,
        template_id uuid REFERENCES templates(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        name varchar(64) NOT NULL,
        readme text NOT NULL DEFAULT '',
        job_id uuid NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
        external_auth_providers jsonb NOT NULL DEFAULT '[]',
        message varchar(1048576) NOT NULL DEFAULT '',
        archived boolean NOT NULL DEFAULT false,
        source_example_id text,
        has_ai_task boolean,
        has_external_agent boolean,
        CONSTRAINT template_versions_template_id_name_key UNIQUE (template_id, name)
      );
      CREATE INDEX template_versions_organization_id_idx ON template_versions (organization_id);
      -- The version's own import job; dry runs are other jobs.
      CREATE UNIQUE INDEX template_versions_job_id_idx ON template_versions (job_id);

      CREATE TABLE template_version_parameters (
        template_version_id uuid NOT NULL REFERENCES template_versions(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        type text NOT NULL,
        mutable boolean NOT NULL DEFAULT false,
        default_value text NOT NULL DEFAULT '',
        icon text NOT NULL DEFAULT '',
        options jsonb NOT NULL DEFAULT '[]',
        validation_regex text NOT NULL DEFAULT '',
        validation_min integer,
        validation_max integer,
        validation_error text NOT NULL DEFAULT '',
        validation_monotonic text NOT NULL DEFAULT '',
        required boolean NOT NULL DEFAULT false,
        display_name text NOT NULL DEFAULT '',
        display_order integer NOT NULL DEFAULT 0,
        ephemeral boolean NOT NULL DEFAULT false,
        form_type text NOT NULL DEFAULT '',
        PRIMARY KEY (template_version_id, name)
      );

      -- Untagged job tags ({"scope":"organization","owner":""}) need exactly equal daemon tags;
      -- otherwise the job's tags must all be among the daemon's (facts 3.3).
      CREATE FUNCTION provisioner_tagset_contains(provisioner_tags jsonb, job_tags jsonb) RETURNS boolean
        LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
          WHEN job_tags = '{"scope":"organization","owner":""}'::jsonb THEN job_tags = provisioner_tags
          ELSE job_tags <@ provisioner_tags
        END
      $$;

      CREATE TABLE provisioner_jobs (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        canceled_at timestamptz,
        completed_at timestamptz,
        error text,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        initiator_id uuid NOT NULL,
        provisioner provisioner_type NOT NULL,
        storage_method provisioner_storage_method NOT NULL,
        type provisioner_job_type NOT NULL,
        input jsonb NOT NULL,
        worker_id uuid,
        file_id uuid NOT NULL,
        tags jsonb NOT NULL DEFAULT '{"scope": "organization"}',
        error_code text,
        trace_metadata jsonb,
        logs_length integer NOT NULL DEFAULT 0,
        logs_overflowed boolean NOT NULL DEFAULT false,
        job_status provisioner_job_status GENERATED ALWAYS AS (${JOB_STATUS_EXPRESSION}) STORED,
        CONSTRAINT max_provisioner_logs_length CHECK (logs_length <= 1048576)
      );
      -- Acquisition scans the pending jobs of one organization oldest first.
      CREATE INDEX provisioner_jobs_pending_idx ON provisioner_jobs (organization_id, created_at) WHERE started_at IS NULL AND completed_at IS NULL;
      CREATE INDEX provisioner_jobs_status_idx ON provisioner_jobs (job_status);
      CREATE INDEX provisioner_jobs_worker_idx ON provisioner_jobs (worker_id, organization_id, completed_at DESC);
      CREATE INDEX provisioner_jobs_organization_created_idx ON provisioner_jobs (organization_id, created_at DESC);

      ALTER TABLE template_versions ADD CONSTRAINT template_versions_job_id_fkey
        FOREIGN KEY (job_id) REFERENCES provisioner_jobs(id) ON DELETE CASCADE;

      CREATE TABLE provisioner_job_logs (
        id bigserial PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES provisioner_jobs(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        source log_source NOT NULL,
        level log_level NOT NULL,
        stage varchar(128) NOT NULL,
        output varchar(1024) NOT NULL
      );
      CREATE INDEX provisioner_job_logs_job_id_id_idx ON provisioner_job_logs (job_id, id);

      -- Announcements from the transaction that made the change (payloads are small; the listeners
      -- read the rest): a job was posted (daemons wake); a job changed, payload "<id> <job_status>",
      -- or logged, payload "<id> logs" (log followers read on, a cancelled job's daemon stops).
      CREATE FUNCTION notify_provisioner_job_posted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('provisioner_job_posted',
          json_build_object('organization_id', NEW.organization_id, 'type', NEW.type, 'tags', NEW.tags)::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER trigger_notify_provisioner_job_posted AFTER INSERT ON provisioner_jobs
        FOR EACH ROW EXECUTE FUNCTION notify_provisioner_job_posted();
      CREATE FUNCTION notify_provisioner_job_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('provisioner_job_updated', NEW.id::text || ' ' || NEW.job_status::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER trigger_notify_provisioner_job_updated AFTER UPDATE OF started_at, canceled_at, completed_at, error ON provisioner_jobs
        FOR EACH ROW WHEN (OLD.started_at IS DISTINCT FROM NEW.started_at OR OLD.canceled_at IS DISTINCT FROM NEW.canceled_at
          OR OLD.completed_at IS DISTINCT FROM NEW.completed_at OR OLD.error IS DISTINCT FROM NEW.error)
        EXECUTE FUNCTION notify_provisioner_job_updated();
      CREATE FUNCTION notify_provisioner_job_logs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('provisioner_job_updated', j.job_id::text || ' logs') FROM (SELECT DISTINCT job_id FROM new_logs) j;
        RETURN NULL;
      END $$;
      CREATE TRIGGER trigger_notify_provisioner_job_logs AFTER INSERT ON provisioner_job_logs
        REFERENCING NEW TABLE AS new_logs FOR EACH STATEMENT EXECUTE FUNCTION notify_provisioner_job_logs();

      CREATE TABLE provisioner_keys (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name varchar(64) NOT NULL,
        hashed_secret bytea NOT NULL,
        tags jsonb NOT NULL DEFAULT '{}'
      );
      CREATE UNIQUE INDEX provisioner_keys_organization_id_name_idx ON provisioner_keys (organization_id, lower(name));

      CREATE TABLE provisioner_daemons (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        name varchar(64) NOT NULL,
        provisioners provisioner_type[] NOT NULL,
        replica_id uuid,
        tags jsonb NOT NULL DEFAULT '{}',
        last_seen_at timestamptz,
        version text NOT NULL DEFAULT '',
        api_version text NOT NULL DEFAULT '1.0',
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        key_id uuid NOT NULL REFERENCES provisioner_keys(id) ON DELETE CASCADE
      );
      CREATE UNIQUE INDEX provisioner_daemons_org_name_owner_idx ON provisioner_daemons (organization_id, name, lower(COALESCE(tags ->> 'owner', '')));

      CREATE TABLE workspaces (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE RESTRICT,
        template_id uuid NOT NULL REFERENCES templates(id) ON DELETE RESTRICT,
        deleted boolean NOT NULL DEFAULT false,
        name varchar(64) NOT NULL,
        autostart_schedule text,
        ttl bigint,
        last_used_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
        dormant_at timestamptz,
        deleting_at timestamptz,
        automatic_updates automatic_updates NOT NULL DEFAULT 'never',
        favorite boolean NOT NULL DEFAULT false,
        next_start_at timestamptz,
        group_acl jsonb NOT NULL DEFAULT '{}',
        user_acl jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT workspaces_group_acl_is_object CHECK (jsonb_typeof(group_acl) = 'object'),
        CONSTRAINT workspaces_user_acl_is_object CHECK (jsonb_typeof(user_acl) = 'object')
      );
      CREATE UNIQUE INDEX workspaces_owner_id_lower_idx ON workspaces (owner_id, lower(name)) WHERE deleted = false;
      CREATE INDEX workspaces_template_id_idx ON workspaces (template_id) WHERE deleted = false;
      -- The workspaces list pages in (lower(owner name), lower(name)) order; this serves the name half.
      CREATE INDEX workspaces_organization_id_idx ON workspaces (organization_id) WHERE deleted = false;

      CREATE TABLE workspace_builds (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        template_version_id uuid NOT NULL REFERENCES template_versions(id) ON DELETE CASCADE,
        build_number integer NOT NULL,
        transition workspace_transition NOT NULL,
        initiator_id uuid NOT NULL,
        provisioner_state bytea,
        job_id uuid NOT NULL REFERENCES provisioner_jobs(id) ON DELETE CASCADE,
        deadline timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
        max_deadline timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
        reason build_reason NOT NULL DEFAULT 'initiator',
        daily_cost integer NOT NULL DEFAULT 0,
        has_ai_task boolean,
        has_external_agent boolean,
        CONSTRAINT workspace_builds_workspace_id_build_number_key UNIQUE (workspace_id, build_number),
        CONSTRAINT workspace_builds_job_id_key UNIQUE (job_id),
        CONSTRAINT workspace_builds_deadline_below_max_deadline
          CHECK (deadline <= max_deadline OR max_deadline = '0001-01-01 00:00:00+00')
      );

      CREATE TABLE workspace_build_parameters (
        workspace_build_id uuid NOT NULL REFERENCES workspace_builds(id) ON DELETE CASCADE,
        name text NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (workspace_build_id, name)
      );

      CREATE TABLE workspace_resources (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        job_id uuid NOT NULL REFERENCES provisioner_jobs(id) ON DELETE CASCADE,
        transition workspace_transition NOT NULL,
        type varchar(192) NOT NULL,
        name varchar(64) NOT NULL,
        hide boolean NOT NULL DEFAULT false,
        icon varchar(256) NOT NULL DEFAULT '',
        instance_type varchar(256),
        daily_cost integer NOT NULL DEFAULT 0,
        module_path text
      );
      CREATE INDEX workspace_resources_job_id_idx ON workspace_resources (job_id);

      CREATE TABLE workspace_resource_metadata (
        id bigserial PRIMARY KEY,
        workspace_resource_id uuid NOT NULL REFERENCES workspace_resources(id) ON DELETE CASCADE,
        key varchar(1024) NOT NULL,
        value varchar(65536),
        sensitive boolean NOT NULL DEFAULT false,
        CONSTRAINT workspace_resource_metadata_resource_key_key UNIQUE (workspace_resource_id, key)
      );

      CREATE TABLE workspace_agents (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        name varchar(64) NOT NULL,
        first_connected_at timestamptz,
        last_connected_at timestamptz,
        disconnected_at timestamptz,
        resource_id uuid NOT NULL REFERENCES workspace_resources(id) ON DELETE CASCADE,
        auth_token uuid NOT NULL,
        auth_instance_id varchar(64),
        architecture varchar(64) NOT NULL,
        environment_variables jsonb,
        operating_system varchar(64) NOT NULL,
        directory varchar(4096) NOT NULL DEFAULT '',
        version text NOT NULL DEFAULT '',
        last_connected_replica_id uuid,
        connection_timeout_seconds integer NOT NULL DEFAULT 0,
        troubleshooting_url text NOT NULL DEFAULT '',
        motd_file text NOT NULL DEFAULT '',
        lifecycle_state workspace_agent_lifecycle_state NOT NULL DEFAULT 'created',
        expanded_directory varchar(4096) NOT NULL DEFAULT '',
        logs_length integer NOT NULL DEFAULT 0,
        logs_overflowed boolean NOT NULL DEFAULT false,
        started_at timestamptz,
        ready_at timestamptz,
        subsystems text[] NOT NULL DEFAULT '{}',
        display_apps text[] NOT NULL DEFAULT '{vscode,vscode_insiders,web_terminal,ssh_helper,port_forwarding_helper}',
        api_version text NOT NULL DEFAULT '',
        display_order integer NOT NULL DEFAULT 0,
        parent_id uuid REFERENCES workspace_agents(id) ON DELETE CASCADE,
        api_key_scope text NOT NULL DEFAULT 'all',
        deleted boolean NOT NULL DEFAULT false
      );
      CREATE INDEX workspace_agents_auth_token_idx ON workspace_agents (auth_token);
      CREATE INDEX workspace_agents_resource_id_idx ON workspace_agents (resource_id);

      CREATE TABLE workspace_agent_scripts (
        id uuid PRIMARY KEY,
        workspace_agent_id uuid NOT NULL REFERENCES workspace_agents(id) ON DELETE CASCADE,
        log_source_id uuid NOT NULL,
        log_path text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        script text NOT NULL,
        cron text NOT NULL DEFAULT '',
        start_blocks_login boolean NOT NULL DEFAULT false,
        run_on_start boolean NOT NULL DEFAULT false,
        run_on_stop boolean NOT NULL DEFAULT false,
        timeout_seconds integer NOT NULL DEFAULT 0,
        display_name text NOT NULL DEFAULT ''
      );
      CREATE INDEX workspace_agent_scripts_agent_id_idx ON workspace_agent_scripts (workspace_agent_id);

      CREATE TABLE workspace_apps (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        agent_id uuid NOT NULL REFERENCES workspace_agents(id) ON DELETE CASCADE,
        slug text NOT NULL,
        display_name varchar(64) NOT NULL DEFAULT '',
        icon varchar(256) NOT NULL DEFAULT '',
        command varchar(65534),
        url varchar(65534),
        healthcheck_url text NOT NULL DEFAULT '',
        healthcheck_interval integer NOT NULL DEFAULT 0,
        healthcheck_threshold integer NOT NULL DEFAULT 0,
        health workspace_app_health NOT NULL DEFAULT 'disabled',
        subdomain boolean NOT NULL DEFAULT false,
        sharing_level app_sharing_level NOT NULL DEFAULT 'owner',
        external boolean NOT NULL DEFAULT false,
        display_order integer NOT NULL DEFAULT 0,
        hidden boolean NOT NULL DEFAULT false,
        open_in text NOT NULL DEFAULT 'slim-window',
        display_group text,
        tooltip varchar(2048) NOT NULL DEFAULT '',
        CONSTRAINT workspace_apps_agent_id_slug_key UNIQUE (agent_id, slug)
      );
    `);
    // TypeORM compares a generated column's expression with what it recorded here, not with the catalog
    // (it creates the table itself when an entity has a generated column; the same shape here).
    await q.query(`CREATE TABLE IF NOT EXISTS typeorm_metadata (
      type varchar NOT NULL, database varchar, schema varchar, "table" varchar, name varchar, value text)`);
    await q.query(
      `INSERT INTO typeorm_metadata (database, schema, "table", type, name, value)
       VALUES (current_database(), current_schema(), 'provisioner_jobs', 'GENERATED_COLUMN', 'job_status', $1)`,
      [JOB_STATUS_EXPRESSION],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM typeorm_metadata WHERE "table" = 'provisioner_jobs' AND name = 'job_status';
      DROP TABLE workspace_apps, workspace_agent_scripts, workspace_agents, workspace_resource_metadata,
        workspace_resources, workspace_build_parameters, workspace_builds, workspaces, provisioner_daemons,
        provisioner_keys, provisioner_job_logs, template_version_parameters, template_versions, provisioner_jobs,
        templates, files;
      DROP FUNCTION provisioner_tagset_contains(jsonb, jsonb);
      DROP FUNCTION notify_provisioner_job_posted(), notify_provisioner_job_updated(), notify_provisioner_job_logs();
      DROP TYPE workspace_agent_lifecycle_state, workspace_app_health, app_sharing_level, automatic_updates,
        build_reason, workspace_transition, log_source, log_level, provisioner_job_status, provisioner_job_type,
        provisioner_storage_method, provisioner_type;
    `);
  }
}
