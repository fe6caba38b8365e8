import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface FileRow {
  id: string;
  hash: string;
  created_by: string;
  mimetype: string;
}

type Db = DataSource | EntityManager;

@Injectable()
export class FilesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Inserts the file unless this user already uploaded the same bytes; answers the row and whether it is new. */
  async insertOrGet(f: { id: string; hash: string; createdBy: string; mimetype: string; data: Uint8Array }): Promise<{ row: FileRow; created: boolean }> {
    const inserted: FileRow[] = await this.ds.query(
      `INSERT INTO files (id, hash, created_by, mimetype, data) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (hash, created_by) DO NOTHING RETURNING id, hash, created_by, mimetype`,
      [f.id, f.hash, f.createdBy, f.mimetype, Buffer.from(f.data)],
    );
    if (inserted.length === 1) return { row: inserted[0], created: true };
    const rows: FileRow[] = await this.ds.query(`SELECT id, hash, created_by, mimetype FROM files WHERE hash = $1 AND created_by = $2`, [f.hash, f.createdBy]);
    return { row: rows[0], created: false };
  }

  async find(id: string, db: Db = this.ds): Promise<FileRow | undefined> {
    const rows: FileRow[] = await db.query(`SELECT id, hash, created_by, mimetype FROM files WHERE id = $1`, [id]);
    return rows[0];
  }

  async data(id: string, db: Db = this.ds): Promise<Buffer | undefined> {
    const rows: { data: Buffer }[] = await db.query(`SELECT data FROM files WHERE id = $1`, [id]);
    return rows[0]?.data;
  }
}
