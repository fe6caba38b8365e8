import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { WorkspaceBuildEntity } from './workspace-build.entity.js';

@Entity('workspace_build_parameters')
export class WorkspaceBuildParameterEntity {
  @PrimaryColumn({ name: 'workspace_build_id', type: 'uuid' }) workspaceBuildId: string;
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ type: 'text' }) value: string;

  @ManyToOne(() => WorkspaceBuildEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_build_id', foreignKeyConstraintName: 'workspace_build_parameters_workspace_build_id_fkey' })
  workspaceBuild?: Relation<WorkspaceBuildEntity>;
}
