import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { TemplateVersionEntity } from './template-version.entity.js';

/** A template variable as a version's import resolved it (Coder's template_version_variables). */
@Entity('template_version_variables')
@Check('template_version_variables_type_check', `type IN ('string', 'number', 'bool')`)
export class TemplateVersionVariableEntity {
  @PrimaryColumn({ name: 'template_version_id', type: 'uuid' }) templateVersionId: string;
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ type: 'text', default: '' }) description: string;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'text', default: '' }) value: string;
  @Column({ name: 'default_value', type: 'text', default: '' }) defaultValue: string;
  @Column({ type: 'boolean', default: false }) required: boolean;
  @Column({ type: 'boolean', default: false }) sensitive: boolean;

  @ManyToOne(() => TemplateVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_version_id', foreignKeyConstraintName: 'template_version_variables_template_version_id_fkey' })
  templateVersion?: Relation<TemplateVersionEntity>;
}
