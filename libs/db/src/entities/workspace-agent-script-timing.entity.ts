import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { WorkspaceAgentScriptEntity } from './workspace-agent-script.entity.js';

export const SCRIPT_TIMING_STAGES = ['start', 'stop', 'cron'] as const;
export const SCRIPT_TIMING_STATUSES = ['ok', 'exit_failure', 'timed_out', 'pipes_left_open'] as const;
export type ScriptTimingStage = (typeof SCRIPT_TIMING_STAGES)[number];
export type ScriptTimingStatus = (typeof SCRIPT_TIMING_STATUSES)[number];

/** One run of an agent script, as the agent reported it (Coder's workspace_agent_script_timings). */
@Entity('workspace_agent_script_timings')
export class WorkspaceAgentScriptTimingEntity {
  /** A script runs once at a time: a run is its script and start. */
  @PrimaryColumn({ name: 'script_id', type: 'uuid' }) scriptId: string;
  @PrimaryColumn({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
  @Column({ name: 'ended_at', type: 'timestamptz' }) endedAt: Date;
  @Column({ name: 'exit_code', type: 'integer' }) exitCode: number;
  @Column({ type: 'enum', enum: SCRIPT_TIMING_STAGES, enumName: 'workspace_agent_script_timing_stage' }) stage: ScriptTimingStage;
  @Column({ type: 'enum', enum: SCRIPT_TIMING_STATUSES, enumName: 'workspace_agent_script_timing_status' }) status: ScriptTimingStatus;

  @ManyToOne(() => WorkspaceAgentScriptEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'script_id', foreignKeyConstraintName: 'workspace_agent_script_timings_script_id_fkey' })
  script?: Relation<WorkspaceAgentScriptEntity>;
}
