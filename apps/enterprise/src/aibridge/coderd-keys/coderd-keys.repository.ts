import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '#db/prepared.js';
import { isoTimestamp } from '#db/sql.js';

/** A coderd key without its hash; times are RFC 3339 text. */
export interface CoderdKeyRow {
  id: string;
  name: string;
  secret_prefix: string;
  created_at: string;
  last_used_at: string | null;
}

export interface NewCoderdKeyRow {
  id: string;
  name: string;
  secretPrefix: string;
  hashedSecret: Buffer;
}

/** The unique indexes of ai_gateway_coderd_keys (migration 1732700000000-aibridge). */
export const CODERD_KEY_CONSTRAINTS = {
  name: 'ai_gateway_coderd_keys_name_idx',
  nameCheck: 'ai_gateway_coderd_keys_name_check',
  secretPrefix: 'ai_gateway_coderd_keys_secret_prefix_idx',
  hashedSecret: 'ai_gateway_coderd_keys_hashed_secret_idx',
} as const;

const COLUMNS = `id, name, secret_prefix, ${isoTimestamp('created_at')} AS created_at, ${isoTimestamp('last_used_at')} AS last_used_at`;

/** All SQL for AI Gateway coderd keys. */
@Injectable()
export class CoderdKeysRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(k: NewCoderdKeyRow): Promise<CoderdKeyRow> {
    const rows: CoderdKeyRow[] = await this.ds.query(
      `INSERT INTO ai_gateway_coderd_keys (id, name, secret_prefix, hashed_secret) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [k.id, k.name, k.secretPrefix, k.hashedSecret],
    );
    return rows[0];
  }

  /** Names are unique regardless of case (unique index on lower(name)). */
  async nameTaken(name: string): Promise<boolean> {
    const rows = await this.ds.query(`SELECT 1 FROM ai_gateway_coderd_keys WHERE lower(name) = lower($1)`, [name]);
    return rows.length > 0;
  }

  list(): Promise<CoderdKeyRow[]> {
    return this.ds.query(`SELECT ${COLUMNS} FROM ai_gateway_coderd_keys ORDER BY created_at, name, id`);
  }

  /** The deleted row, or undefined when there was none. */
  async delete(id: string): Promise<CoderdKeyRow | undefined> {
    // Through pg directly: TypeORM answers [rows, count] for DELETE ... RETURNING.
    const rows = await preparedQuery<CoderdKeyRow>(this.ds, `DELETE FROM ai_gateway_coderd_keys WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
    return rows[0];
  }

  /** The id and hash of the key with this visible prefix (unique), for authentication. */
  async findSecretByPrefix(prefix: string): Promise<{ id: string; hashed_secret: Buffer } | undefined> {
    const rows = await preparedQuery<{ id: string; hashed_secret: Buffer }>(
      this.ds,
      `SELECT id, hashed_secret FROM ai_gateway_coderd_keys WHERE secret_prefix = $1`,
      [prefix],
    );
    return rows[0];
  }

  /** Stamps last_used_at with the current time; undefined when the key was deleted meanwhile. */
  async markUsed(id: string): Promise<CoderdKeyRow | undefined> {
    const rows = await preparedQuery<CoderdKeyRow>(
      this.ds,
      `UPDATE ai_gateway_coderd_keys SET last_used_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0];
  }
}
