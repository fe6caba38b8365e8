import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { ProvisionerJobEntity } from './provisioner-job.entity.js';
import { TemplateVersionEntity } from './template-version.entity.js';
import { WorkspaceEntity } from './workspace.entity.js';

export const WORKSPACE_TRANSITIONS = ['start', 'stop', 'delete'] as const;
export type WorkspaceTransition = (typeof WORKSPACE_TRANSITIONS)[number];
export const BUILD_REASONS = [
  'initiator',
  'autostart',
  'autostop',
  'dormancy',
  'failedstop',
  'autodelete',
  'dashboard',
  'cli',
  'ssh_connection',
  'vscode_connection',
  'jetbrains_connection',
  'task_auto_pause',
  'task_manual_pause',
  'task_resume',
] as const;
export type BuildReason = (typeof BUILD_REASONS)[number];

@Entity('workspace_builds')
@Check('workspace_builds_deadline_below_max_deadline', "deadline <= max_deadline OR max_deadline = '0001-01-01 00:00:00+00'")
@Unique('workspace_builds_workspace_id_build_number_key', ['workspaceId', 'buildNumber'])
@Unique('workspace_builds_job_id_key', ['jobId'])
export class WorkspaceBuildEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ name: 'workspace_id', type: 'uuid' }) workspaceId: string;
  @Column({ name: 'template_version_id', type: 'uuid' }) templateVersionId: string;
  @Column({ name: 'build_number', type: 'integer' }) buildNumber: number;
  @Column({ type: 'enum', enum: WORKSPACE_TRANSITIONS, enumName: 'workspace_transition' }) transition: WorkspaceTransition;
  @Column({ name: 'initiator_id', type: 'uuid' }) initiatorId: string;
  @Column({ name: 'provisioner_state', type: 'bytea', nullable: true }) provisionerState: Buffer | null;
  @Column({ name: 'job_id', type: 'uuid' }) jobId: string;
  @Column({ type: 'timestamptz', default: '0001-01-01 00:00:00+00' }) deadline: Date;
  @Column({ name: 'max_deadline', type: 'timestamptz', default: '0001-01-01 00:00:00+00' }) maxDeadline: Date;
  @Column({ type: 'enum', enum: BUILD_REASONS, enumName: 'build_reason', default: 'initiator' }) reason: BuildReason;
  @Column({ name: 'daily_cost', type: 'integer', default: 0 }) dailyCost: number;
  @Column({ name: 'has_ai_task', type: 'boolean', nullable: true }) hasAiTask: boolean | null;
  @Column({ name: 'has_external_agent', type: 'boolean', nullable: true }) hasExternalAgent: boolean | null;
  /** The app the build runs its AI task in (Coder's task_app_id, once named the sidebar app). */
  @Column({ name: 'ai_task_sidebar_app_id', type: 'uuid', nullable: true }) aiTaskSidebarAppId: string | null;

  @ManyToOne(() => WorkspaceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'workspace_builds_workspace_id_fkey' })
  workspace?: Relation<WorkspaceEntity>;

  @ManyToOne(() => TemplateVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_version_id', foreignKeyConstraintName: 'workspace_builds_template_version_id_fkey' })
  templateVersion?: Relation<TemplateVersionEntity>;

  @ManyToOne(() => ProvisionerJobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'workspace_builds_job_id_fkey' })
  job?: Relation<ProvisionerJobEntity>;
}
