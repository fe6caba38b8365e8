import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique, type Relation } from 'typeorm';
import { UserEntity } from './user.entity.js';

@Entity('files')
@Unique('files_hash_created_by_key', ['hash', 'createdBy'])
export class FileEntity {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'varchar', length: 64 }) hash: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ type: 'varchar', length: 64 }) mimetype: string;
  @Column({ type: 'bytea' }) data: Buffer;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'files_created_by_fkey' })
  creator?: Relation<UserEntity>;
}
