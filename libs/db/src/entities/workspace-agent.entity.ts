import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { WorkspaceResourceEntity } from './workspace-resource.entity.js';

export const WORKSPACE_AGENT_LIFECYCLE_STATES = [
  'created',
  'starting',
  'start_timeout',
  'start_error',
  'ready',
  'shutting_down',
  'shutdown_timeout',
  'shutdown_error',
  'off',
] as const;
export type WorkspaceAgentLifecycleState = (typeof WORKSPACE_AGENT_LIFECYCLE_STATES)[number];

@Entity('workspace_agents')
@Index('workspace_agents_hashed_auth_token_idx', ['hashedAuthToken'])
@Index('workspace_agents_resource_id_idx', ['resourceId'])
export class WorkspaceAgentEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ name: 'first_connected_at', type: 'timestamptz', nullable: true }) firstConnectedAt: Date | null;
  @Column({ name: 'last_connected_at', type: 'timestamptz', nullable: true }) lastConnectedAt: Date | null;
  @Column({ name: 'disconnected_at', type: 'timestamptz', nullable: true }) disconnectedAt: Date | null;
  @Column({ name: 'resource_id', type: 'uuid' }) resourceId: string;
  /** sha256 of the agent's token; the token itself is never stored. */
  @Column({ name: 'hashed_auth_token', type: 'bytea' }) hashedAuthToken: Buffer;
  @Column({ name: 'auth_instance_id', type: 'varchar', length: 64, nullable: true }) authInstanceId: string | null;
  @Column({ type: 'varchar', length: 64 }) architecture: string;
  @Column({ name: 'environment_variables', type: 'jsonb', nullable: true })
  environmentVariables: Record<string, string> | null;
  @Column({ name: 'operating_system', type: 'varchar', length: 64 }) operatingSystem: string;
  @Column({ type: 'varchar', length: 4096, default: '' }) directory: string;
  @Column({ type: 'text', default: '' }) version: string;
  @Column({ name: 'last_connected_replica_id', type: 'uuid', nullable: true }) lastConnectedReplicaId: string | null;
  @Column({ name: 'connection_timeout_seconds', type: 'integer', default: 0 }) connectionTimeoutSeconds: number;
  @Column({ name: 'troubleshooting_url', type: 'text', default: '' }) troubleshootingUrl: string;
  @Column({ name: 'motd_file', type: 'text', default: '' }) motdFile: string;
  @Column({
    name: 'lifecycle_state',
    type: 'enum',
    enum: WORKSPACE_AGENT_LIFECYCLE_STATES,
    enumName: 'workspace_agent_lifecycle_state',
    default: 'created',
  })
  lifecycleState: WorkspaceAgentLifecycleState;
  @Column({ name: 'expanded_directory', type: 'varchar', length: 4096, default: '' }) expandedDirectory: string;
  @Column({ name: 'logs_length', type: 'integer', default: 0 }) logsLength: number;
  @Column({ name: 'logs_overflowed', type: 'boolean', default: false }) logsOverflowed: boolean;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true }) readyAt: Date | null;
  @Column({ type: 'text', array: true, default: '{}' }) subsystems: string[];
  @Column({
    name: 'display_apps',
    type: 'text',
    array: true,
    default: '{vscode,vscode_insiders,web_terminal,ssh_helper,port_forwarding_helper}',
  })
  displayApps: string[];
  @Column({ name: 'api_version', type: 'text', default: '' }) apiVersion: string;
  @Column({ name: 'display_order', type: 'integer', default: 0 }) displayOrder: number;
  @Column({ name: 'parent_id', type: 'uuid', nullable: true }) parentId: string | null;
  @Column({ name: 'api_key_scope', type: 'text', default: 'all' }) apiKeyScope: string;
  @Column({ type: 'boolean', default: false }) deleted: boolean;
  /** The ports the agent last reported listening on: `[{process_name, network, port}]`. */
  @Column({ name: 'listening_ports', type: 'jsonb', default: [] }) listeningPorts: Array<{ process_name: string; network: string; port: number }>;
  /** Runs on a machine coderd did not provision (a template's coder_external_agent); its token can be read back by admins. */
  @Column({ type: 'boolean', default: false }) external: boolean;

  @ManyToOne(() => WorkspaceResourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resource_id', foreignKeyConstraintName: 'workspace_agents_resource_id_fkey' })
  resource?: Relation<WorkspaceResourceEntity>;

  @ManyToOne(() => WorkspaceAgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_id', foreignKeyConstraintName: 'workspace_agents_parent_id_fkey' })
  parent?: Relation<WorkspaceAgentEntity>;
}
