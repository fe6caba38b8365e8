import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isoTimestamp } from '#db/sql.js';
import type { WorkspaceBuildTimings } from './workspace-builds.dto.js';

/**
 * GET /workspacebuilds/{id}/timings. Provisioner timings are the job's log stages (from the first to
 * the last line of each), mapped onto Coder's stages: the plan stage is `plan`, the transition's
 * apply stage is `apply`, anything else `init`. Agent connection timings run from the end of the
 * job to each agent's first connection. Script timings are what the build's agents reported.
 */
@Injectable()
export class BuildTimingsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async forBuild(buildId: string, jobId: string): Promise<WorkspaceBuildTimings> {
    const [stages, agents, scripts] = await Promise.all([
      this.ds.query(
        `SELECT $1::uuid AS job_id, ${isoTimestamp('min(created_at)')} AS started_at, ${isoTimestamp('max(created_at)')} AS ended_at,
           CASE WHEN stage = 'Planning infrastructure' THEN 'plan'
                WHEN stage IN ('Starting workspace', 'Stopping workspace', 'Destroying workspace') THEN 'apply' ELSE 'init' END AS stage,
           'provisioner' AS source, 'stage' AS action, stage AS resource
         FROM provisioner_job_logs WHERE job_id = $1 GROUP BY stage ORDER BY min(id)`,
        [jobId],
      ),
      this.ds.query(
        `SELECT ${isoTimestamp('j.completed_at')} AS started_at, ${isoTimestamp('a.first_connected_at')} AS ended_at, 'connect' AS stage,
           a.id AS workspace_agent_id, a.name AS workspace_agent_name
         FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id
         JOIN workspace_resources r ON r.job_id = b.job_id JOIN workspace_agents a ON a.resource_id = r.id
         WHERE b.id = $1 AND a.first_connected_at IS NOT NULL AND j.completed_at IS NOT NULL ORDER BY a.name`,
        [buildId],
      ),
      this.ds.query(
        `SELECT ${isoTimestamp('t.started_at')} AS started_at, ${isoTimestamp('t.ended_at')} AS ended_at, t.exit_code, t.stage, t.status,
           s.display_name, a.id AS workspace_agent_id, a.name AS workspace_agent_name
         FROM workspace_builds b JOIN workspace_resources r ON r.job_id = b.job_id JOIN workspace_agents a ON a.resource_id = r.id
         JOIN workspace_agent_scripts s ON s.workspace_agent_id = a.id JOIN workspace_agent_script_timings t ON t.script_id = s.id
         WHERE b.id = $1 ORDER BY t.started_at, s.display_name`,
        [buildId],
      ),
    ]);
    return { provisioner_timings: stages, agent_script_timings: scripts, agent_connection_timings: agents };
  }
}
