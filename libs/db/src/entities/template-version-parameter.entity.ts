import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { TemplateVersionEntity } from './template-version.entity.js';

@Entity('template_version_parameters')
export class TemplateVersionParameterEntity {
  @PrimaryColumn({ name: 'template_version_id', type: 'uuid' }) templateVersionId: string;
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ type: 'text', default: '' }) description: string;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'boolean', default: false }) mutable: boolean;
  @Column({ name: 'default_value', type: 'text', default: '' }) defaultValue: string;
  @Column({ type: 'text', default: '' }) icon: string;
  @Column({ type: 'jsonb', default: [] }) options: unknown[];
  @Column({ name: 'validation_regex', type: 'text', default: '' }) validationRegex: string;
  @Column({ name: 'validation_min', type: 'integer', nullable: true }) validationMin: number | null;
  @Column({ name: 'validation_max', type: 'integer', nullable: true }) validationMax: number | null;
  @Column({ name: 'validation_error', type: 'text', default: '' }) validationError: string;
  @Column({ name: 'validation_monotonic', type: 'text', default: '' }) validationMonotonic: string;
  @Column({ type: 'boolean', default: false }) required: boolean;
  @Column({ name: 'display_name', type: 'text', default: '' }) displayName: string;
  @Column({ name: 'display_order', type: 'integer', default: 0 }) displayOrder: number;
  @Column({ type: 'boolean', default: false }) ephemeral: boolean;
  @Column({ name: 'form_type', type: 'text', default: '' }) formType: string;

  @ManyToOne(() => TemplateVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_version_id', foreignKeyConstraintName: 'template_version_parameters_template_version_id_fkey' })
  templateVersion?: Relation<TemplateVersionEntity>;
}
