import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';
import { WorkspaceResourceEntity } from './workspace-resource.entity.js';

@Entity('workspace_resource_metadata')
@Unique('workspace_resource_metadata_resource_key_key', ['workspaceResourceId', 'key'])
export class WorkspaceResourceMetadataEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'workspace_resource_id', type: 'uuid' }) workspaceResourceId: string;
  @Column({ type: 'varchar', length: 1024 }) key: string;
  @Column({ type: 'varchar', length: 65536, nullable: true }) value: string | null;
  @Column({ type: 'boolean', default: false }) sensitive: boolean;

  @ManyToOne(() => WorkspaceResourceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_resource_id', foreignKeyConstraintName: 'workspace_resource_metadata_workspace_resource_id_fkey' })
  workspaceResource?: Relation<WorkspaceResourceEntity>;
}
