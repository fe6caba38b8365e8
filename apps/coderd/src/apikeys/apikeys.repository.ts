import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { LoginType } from '#db/entities/user.entity.js';

export interface ApiKeyRow {
  id: string;
  hashed_secret: Buffer;
  user_id: string;
  last_used: Date;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  login_type: LoginType;
  lifetime_seconds: string;
  ip_address: string;
  token_name: string;
  scopes: string[];
  allow_list: string[];
}

export interface ApiKeyWithOwnerRow extends ApiKeyRow {
  username: string;
}

export interface InsertApiKey {
  id: string;
  hashedSecret: Buffer;
  userId: string;
  expiresAt: Date;
  loginType: LoginType;
  lifetimeSeconds: number;
  ipAddress: string;
  tokenName: string;
  scopes: string[];
  allowList: string[];
}

const COLUMNS = `k.id, k.hashed_secret, k.user_id, k.last_used, k.expires_at, k.created_at, k.updated_at, k.login_type,
  k.lifetime_seconds, host(k.ip_address) AS ip_address, k.token_name, k.scopes, k.allow_list`;

/** All SQL for api_keys. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(k: InsertApiKey, db: EntityManager | DataSource = this.ds): Promise<ApiKeyRow> {
    const rows: ApiKeyRow[] = await db.query(
      `INSERT INTO api_keys (id, hashed_secret, user_id, expires_at, login_type, lifetime_seconds, ip_address,
         token_name, scopes, allow_list)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       RETURNING ${COLUMNS.replaceAll('k.', '')}`,
      [k.id, k.hashedSecret, k.userId, k.expiresAt, k.loginType, k.lifetimeSeconds, k.ipAddress, k.tokenName, k.scopes, k.allowList],
    );
    return rows[0];
  }

  async findById(id: string): Promise<ApiKeyRow | undefined> {
    const rows: ApiKeyRow[] = await this.ds.query(`SELECT ${COLUMNS} FROM api_keys k WHERE k.id = $1`, [id]);
    return rows[0];
  }

  async findToken(userId: string, tokenName: string): Promise<ApiKeyRow | undefined> {
    const rows: ApiKeyRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM api_keys k WHERE k.user_id = $1 AND k.token_name = $2 AND k.login_type = 'token'`,
      [userId, tokenName],
    );
    return rows[0];
  }

  /** Tokens (login_type = token) of one user, or of everyone when userId is undefined. */
  async listTokens(opts: { userId?: string; includeExpired: boolean; filter: string }): Promise<ApiKeyWithOwnerRow[]> {
    const params: unknown[] = [];
    const where = [`k.login_type = 'token'`, `(${opts.filter})`];
    if (opts.userId) {
      params.push(opts.userId);
      where.push(`k.user_id = $${params.length}`);
    }
    if (!opts.includeExpired) where.push('k.expires_at > now()');
    return this.ds.query(
      `SELECT ${COLUMNS}, u.username FROM api_keys k JOIN users u ON u.id = k.user_id
       WHERE ${where.join(' AND ')} ORDER BY k.created_at DESC, k.id`,
      params,
    );
  }

  async delete(id: string): Promise<boolean> {
    const [, count] = (await this.ds.query(`DELETE FROM api_keys WHERE id = $1`, [id])) as [unknown, number];
    return count > 0;
  }

  /** Expires a key now; one already expired keeps its earlier expiry. */
  async expireNow(id: string): Promise<void> {
    await this.ds.query(`UPDATE api_keys SET expires_at = LEAST(expires_at, now()), updated_at = now() WHERE id = $1`, [id]);
  }

  async deleteByUser(userId: string, exceptKeyId?: string, db: EntityManager | DataSource = this.ds): Promise<void> {
    await db.query(`DELETE FROM api_keys WHERE user_id = $1 AND id <> COALESCE($2, '')`, [userId, exceptKeyId ?? null]);
  }

  /** Hourly bookkeeping from the auth path: last use, IP, and the sliding expiry. */
  async touch(id: string, lastUsed: Date, expiresAt: Date, ip: string): Promise<void> {
    await this.ds.query(`UPDATE api_keys SET last_used = $2, expires_at = $3, ip_address = $4, updated_at = now() WHERE id = $1`, [
      id,
      lastUsed,
      expiresAt,
      ip,
    ]);
  }
}
