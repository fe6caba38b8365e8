import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (who changed what) and the connection log (who connected to which workspace, how, for
 * how long). Both are read newest first, filtered, a page at a time, on tables of millions of rows:
 * every filter the API offers on an id has an index led by that id and ordered by time, so the first
 * page and the capped count read a few index pages whatever the table's size. Users and workspaces
 * are referenced without foreign keys: their history outlives them.
 */
export class AuditConnectionLogs1734000000000 implements MigrationInterface {
  name = 'AuditConnectionLogs1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_logs (
        id uuid PRIMARY KEY,
        "time" timestamptz NOT NULL,
        user_id uuid,
        organization_id uuid,
        ip inet,
        user_agent text NOT NULL DEFAULT '',
        resource_type text NOT NULL,
        resource_id uuid NOT NULL,
        resource_target text NOT NULL,
        resource_icon text NOT NULL DEFAULT '',
        action text NOT NULL,
        diff jsonb NOT NULL DEFAULT '{}',
        status_code integer NOT NULL,
        additional_fields jsonb NOT NULL DEFAULT '{}',
        request_id uuid NOT NULL
      );
      CREATE INDEX audit_logs_time_id_idx ON audit_logs ("time" DESC, id DESC);
      CREATE INDEX audit_logs_user_time_idx ON audit_logs (user_id, "time" DESC);
      CREATE INDEX audit_logs_organization_time_idx ON audit_logs (organization_id, "time" DESC);
      CREATE INDEX audit_logs_resource_type_time_idx ON audit_logs (resource_type, "time" DESC);
      CREATE INDEX audit_logs_resource_id_time_idx ON audit_logs (resource_id, "time" DESC);
      CREATE INDEX audit_logs_request_id_idx ON audit_logs (request_id);

      CREATE TABLE connection_logs (
        id uuid PRIMARY KEY,
        connect_time timestamptz NOT NULL,
        organization_id uuid NOT NULL,
        workspace_owner_id uuid NOT NULL,
        workspace_id uuid NOT NULL,
        workspace_name text NOT NULL,
        agent_name text NOT NULL,
        type text NOT NULL,
        ip inet,
        code integer,
        user_agent text,
        user_id uuid,
        slug_or_port text,
        connection_id uuid,
        disconnect_time timestamptz,
        disconnect_reason text,
        CONSTRAINT connection_logs_connection_key UNIQUE (connection_id, workspace_id, agent_name)
      );
      CREATE INDEX connection_logs_connect_time_id_idx ON connection_logs (connect_time DESC, id DESC);
      CREATE INDEX connection_logs_organization_time_idx ON connection_logs (organization_id, connect_time DESC);
      CREATE INDEX connection_logs_owner_time_idx ON connection_logs (workspace_owner_id, connect_time DESC);
      CREATE INDEX connection_logs_workspace_time_idx ON connection_logs (workspace_id, connect_time DESC);
      CREATE INDEX connection_logs_user_time_idx ON connection_logs (user_id, connect_time DESC);
      CREATE INDEX connection_logs_type_time_idx ON connection_logs (type, connect_time DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE connection_logs; DROP TABLE audit_logs;`);
  }
}
