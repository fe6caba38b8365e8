import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What agents report besides logs: stats (Coder's workspace_agent_stats, a time series written in
 * batches, so it has no foreign keys to slow the insert down), metadata results, script timings and
 * listening ports; and which agents run outside coderd's provisioning (external agents).
 */
export class AgentReports1733500000000 implements MigrationInterface {
  name = 'AgentReports1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE workspace_agent_stats (
        id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL,
        user_id uuid NOT NULL,
        agent_id uuid NOT NULL,
        workspace_id uuid NOT NULL,
        template_id uuid NOT NULL,
        connections_by_proto jsonb NOT NULL DEFAULT '{}',
        connection_count bigint NOT NULL DEFAULT 0,
        rx_packets bigint NOT NULL DEFAULT 0,
        rx_bytes bigint NOT NULL DEFAULT 0,
        tx_packets bigint NOT NULL DEFAULT 0,
        tx_bytes bigint NOT NULL DEFAULT 0,
        connection_median_latency_ms double precision NOT NULL DEFAULT -1,
        session_count_vscode bigint NOT NULL DEFAULT 0,
        session_count_jetbrains bigint NOT NULL DEFAULT 0,
        session_count_reconnecting_pty bigint NOT NULL DEFAULT 0,
        session_count_ssh bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX workspace_agent_stats_created_at_idx ON workspace_agent_stats (created_at);
      CREATE INDEX workspace_agent_stats_agent_id_created_at_idx ON workspace_agent_stats (agent_id, created_at);

      CREATE TABLE workspace_agent_metadata (
        workspace_agent_id uuid NOT NULL REFERENCES workspace_agents(id) ON DELETE CASCADE,
        key varchar(127) NOT NULL,
        display_name varchar(127) NOT NULL,
        script text NOT NULL,
        value text NOT NULL DEFAULT '',
        error text NOT NULL DEFAULT '',
        timeout bigint NOT NULL,
        "interval" bigint NOT NULL,
        collected_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
        display_order integer NOT NULL DEFAULT 0,
        PRIMARY KEY (workspace_agent_id, key)
      );

      CREATE TYPE workspace_agent_script_timing_stage AS ENUM ('start', 'stop', 'cron');
      CREATE TYPE workspace_agent_script_timing_status AS ENUM ('ok', 'exit_failure', 'timed_out', 'pipes_left_open');
      CREATE TABLE workspace_agent_script_timings (
        script_id uuid NOT NULL REFERENCES workspace_agent_scripts(id) ON DELETE CASCADE,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        exit_code integer NOT NULL,
        stage workspace_agent_script_timing_stage NOT NULL,
        status workspace_agent_script_timing_status NOT NULL,
        PRIMARY KEY (script_id, started_at)
      );

      ALTER TABLE workspace_agents
        ADD COLUMN listening_ports jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN external boolean NOT NULL DEFAULT false;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE workspace_agents DROP COLUMN external, DROP COLUMN listening_ports;
      DROP TABLE workspace_agent_script_timings;
      DROP TYPE workspace_agent_script_timing_status;
      DROP TYPE workspace_agent_script_timing_stage;
      DROP TABLE workspace_agent_metadata;
      DROP TABLE workspace_agent_stats;
    `);
  }
}
