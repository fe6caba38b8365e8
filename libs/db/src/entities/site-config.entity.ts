import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Deployment-wide key/value settings (deployment id, ...), as Coder's site_configs. */
@Entity('site_configs')
export class SiteConfigEntity {
  @PrimaryColumn({ type: 'varchar', length: 256 }) key: string;
  @Column({ type: 'text' }) value: string;
}
