import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity('licenses')
@Unique('licenses_jwt_key', ['jwt'])
@Index('licenses_exp_idx', ['exp'])
export class LicenseEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ name: 'uploaded_at', type: 'timestamptz', default: () => 'now()' }) uploadedAt: Date;
  @Column({ type: 'text' }) jwt: string;
  @Column({ type: 'timestamptz' }) exp: Date;
  @Column({ type: 'uuid' }) uuid: string;
}
