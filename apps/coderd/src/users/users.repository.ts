import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { LoginType, UserStatus } from '#db/entities/user.entity.js';
import { preparedQuery } from '#db/prepared.js';
import { containsPattern, isoTimestamp, limitOffset } from '#db/sql.js';
import type { UserSearch } from './user-search.js';

export interface UserRow {
  id: string;
  email: string;
  username: string;
  name: string;
  /** Timestamps are RFC 3339 text (see isoTimestamp). */
  created_at: string;
  updated_at: string;
  status: UserStatus;
  rbac_roles: string[];
  login_type: LoginType;
  avatar_url: string;
  last_seen_at: string;
  theme_preference: string;
  is_service_account: boolean;
  /** The user has a row in ai_seat_state (has used AI features). */
  has_ai_seat: boolean;
  organization_ids: string[];
}

/** The columns a ReducedUser is made from (no roles or memberships). */
export type ReducedUserRow = Omit<UserRow, 'rbac_roles' | 'organization_ids'>;

export interface InsertUser {
  id: string;
  email: string;
  username: string;
  name: string;
  hashedPassword: string;
  loginType: LoginType;
  status: UserStatus;
  rbacRoles: string[];
  isServiceAccount: boolean;
}

type Db = DataSource | EntityManager;

/**
 * `has_ai_seat` of the user row aliased `u`: one primary-key probe of ai_seat_state per returned row.
 * A scalar subquery on purpose: PostgreSQL may turn `EXISTS (...)` in a select list into a hashed
 * subplan that reads the whole seat table on every request; a scalar subquery it cannot hash, and
 * under ORDER BY ... LIMIT it is evaluated for the rows of the page only.
 */
export const HAS_AI_SEAT = `COALESCE((SELECT true FROM ai_seat_state s WHERE s.user_id = u.id), false) AS has_ai_seat`;

// No password hash here: rows are cached and listed; the hash is read only where a password is checked.
export const USER_COLUMNS = `u.id, u.email, u.username, u.name, ${isoTimestamp('u.created_at')} AS created_at,
  ${isoTimestamp('u.updated_at')} AS updated_at, u.status, u.rbac_roles, u.login_type, u.avatar_url,
  ${isoTimestamp('u.last_seen_at')} AS last_seen_at, u.theme_preference, u.is_service_account, ${HAS_AI_SEAT},
  COALESCE((SELECT json_agg(om.organization_id ORDER BY om.created_at) FROM organization_members om WHERE om.user_id = u.id), '[]')
    AS organization_ids`;

/** How long a users-list count is reused; a change made through this server invalidates it at once. */
const COUNT_TTL_MS = 2000;
const COUNT_CACHE_MAX = 1000;

/** All SQL for users. Deleted and system users are invisible to every query here. */
@Injectable()
export class UsersRepository {
  /**
   * Counting every matching user costs a scan that grows with the table while the page itself is an
   * index range; counts are reused briefly and dropped whenever a user changes here (another replica's
   * change shows within COUNT_TTL_MS).
   */
  private readonly counts = new Map<string, { n: number; at: number }>();
  /** Counts being read: concurrent requests share one query instead of all scanning at once. */
  private readonly counting = new Map<string, Promise<number>>();
  /** Bumped by changed(): a count read across a change is answered but not kept. */
  private generation = 0;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Any write that can change which users match a search (call again after a transaction commits). */
  changed(): void {
    this.generation++;
    this.counts.clear();
    this.counting.clear();
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    const key = sql + '\u0000' + JSON.stringify(params);
    const hit = this.counts.get(key);
    if (hit && Date.now() - hit.at < COUNT_TTL_MS) return hit.n;
    let pending = this.counting.get(key);
    if (!pending) {
      const generation = this.generation;
      pending = this.ds.query(sql, params).then(
        ([row]: Array<{ n: number }>) => {
          if (this.counting.get(key) === pending) this.counting.delete(key);
          if (generation === this.generation) {
            if (this.counts.size >= COUNT_CACHE_MAX) this.counts.clear();
            this.counts.set(key, { n: row.n, at: Date.now() });
          }
          return row.n;
        },
        (err: unknown) => {
          if (this.counting.get(key) === pending) this.counting.delete(key);
          throw err;
        },
      );
      this.counting.set(key, pending);
    }
    return pending;
  }

  async insert(u: InsertUser, db: Db = this.ds): Promise<void> {
    await db.query(
      `INSERT INTO users (id, email, username, name, hashed_password, login_type, status, rbac_roles, is_service_account)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [u.id, u.email, u.username, u.name, u.hashedPassword, u.loginType, u.status, u.rbacRoles, u.isServiceAccount],
    );
    this.changed();
  }

  async countAll(db: Db = this.ds): Promise<number> {
    const [row] = await db.query(`SELECT count(*)::int AS n FROM users WHERE NOT deleted AND NOT is_system`);
    return row.n;
  }

  async findById(id: string, db: Db = this.ds): Promise<UserRow | undefined> {
    const rows: UserRow[] = await db.query(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1 AND NOT u.deleted AND NOT u.is_system`, [id]);
    return rows[0];
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const rows: UserRow[] = await this.ds.query(
      `SELECT ${USER_COLUMNS} FROM users u WHERE lower(u.username) = lower($1) AND NOT u.deleted AND NOT u.is_system`,
      [username],
    );
    return rows[0];
  }

  /** The stored argon2 hash ('' when the user has none). */
  async passwordHash(id: string): Promise<string> {
    const rows: { hashed_password: string }[] = await this.ds.query(`SELECT hashed_password FROM users WHERE id = $1`, [id]);
    return rows[0]?.hashed_password ?? '';
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const rows: UserRow[] = await this.ds.query(
      `SELECT ${USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1) AND u.email <> '' AND NOT u.deleted AND NOT u.is_system`,
      [email],
    );
    return rows[0];
  }

  /**
   * One page of users ordered by username, plus the total that match. `authorized` is the RBAC SQL
   * filter over the users table (alias u).
   */
  async list(search: UserSearch, page: { afterId?: string; limit: number; offset: number }, authorized: string) {
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    const where = ['NOT u.deleted', 'NOT u.is_system', `(${authorized})`];
    if (search.search) where.push(`(u.username ILIKE ${p(containsPattern(search.search))} OR u.email ILIKE $${params.length})`);
    if (search.username) where.push(`lower(u.username) = lower(${p(search.username)})`);
    if (search.email) where.push(`lower(u.email) = lower(${p(search.email)})`);
    if (search.status.length) where.push(`u.status = ANY(${p(search.status)}::user_status[])`);
    if (search.roles.length) where.push(`u.rbac_roles && ${p(search.roles)}::text[]`);
    if (search.loginTypes.length) where.push(`u.login_type = ANY(${p(search.loginTypes)}::login_type[])`);
    if (search.githubComUserId !== undefined) where.push(`u.github_com_user_id = ${p(search.githubComUserId)}`);
    if (search.createdBefore) where.push(`u.created_at < ${p(search.createdBefore)}`);
    if (search.createdAfter) where.push(`u.created_at > ${p(search.createdAfter)}`);
    if (search.lastSeenBefore) where.push(`u.last_seen_at < ${p(search.lastSeenBefore)}`);
    if (search.lastSeenAfter) where.push(`u.last_seen_at > ${p(search.lastSeenAfter)}`);
    if (search.serviceAccount !== undefined) where.push(`u.is_service_account = ${p(search.serviceAccount)}`);
    const filtered = where.join(' AND ');
    const countParams = [...params];
    const pageWhere = [filtered];
    if (page.afterId) {
      pageWhere.push(`lower(u.username) > (SELECT lower(username) FROM users WHERE id = ${p(page.afterId)})`);
    }
    const [rows, count] = await Promise.all([
      preparedQuery<UserRow>(this.ds, `SELECT ${USER_COLUMNS} FROM users u WHERE ${pageWhere.join(' AND ')} ORDER BY lower(u.username)${limitOffset(page.limit, page.offset)}`, params),
      this.count(`SELECT count(*)::int AS n FROM users u WHERE ${filtered}`, countParams),
    ]);
    return { rows: rows as UserRow[], count };
  }

  /** Marks the user seen; a dormant user becomes active on use, as in Coder. */
  async markSeen(userId: string): Promise<Pick<UserRow, 'last_seen_at' | 'status' | 'updated_at'> | undefined> {
    const [rows] = await this.ds.query(
      `UPDATE users SET last_seen_at = now(), status = CASE WHEN status = 'dormant' THEN 'active'::user_status ELSE status END,
         updated_at = CASE WHEN status = 'dormant' THEN now() ELSE updated_at END
       WHERE id = $1 RETURNING ${isoTimestamp('last_seen_at')} AS last_seen_at, status, ${isoTimestamp('updated_at')} AS updated_at`,
      [userId],
    );
    this.changed();
    return rows[0];
  }

  async exists(id: string): Promise<boolean> {
    const rows = await this.ds.query(`SELECT 1 FROM users WHERE id = $1 AND NOT deleted`, [id]);
    return rows.length > 0;
  }

  async updateProfile(id: string, username: string, name: string): Promise<void> {
    await this.ds.query(`UPDATE users SET username = $2, name = $3, updated_at = now() WHERE id = $1`, [id, username, name]);
    this.changed();
  }

  async updateStatus(id: string, status: UserStatus): Promise<void> {
    await this.ds.query(`UPDATE users SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
    this.changed();
  }

  async updatePassword(id: string, hashedPassword: string, db: Db = this.ds): Promise<void> {
    await db.query(`UPDATE users SET hashed_password = $2, updated_at = now() WHERE id = $1`, [id, hashedPassword]);
  }

  async updateRoles(id: string, roles: string[]): Promise<void> {
    await this.ds.query(`UPDATE users SET rbac_roles = $2, updated_at = now() WHERE id = $1`, [id, roles]);
    this.changed();
  }

  /** Soft delete, as Coder: the row stays for history; its keys go with it (trigger). */
  async softDelete(id: string): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await tx.query(`DELETE FROM organization_members WHERE user_id = $1`, [id]);
      await tx.query(`UPDATE users SET deleted = true, updated_at = now() WHERE id = $1`, [id]);
    });
    this.changed();
  }

  /** Explicit site roles and per-organization roles of a user. */
  async roles(id: string): Promise<{ roles: string[]; organization_roles: Record<string, string[]> }> {
    const [row] = await this.ds.query(
      `SELECT u.rbac_roles AS roles,
         COALESCE((SELECT json_object_agg(om.organization_id, om.roles) FROM organization_members om WHERE om.user_id = u.id), '{}') AS organization_roles
       FROM users u WHERE u.id = $1`,
      [id],
    );
    return row;
  }

  transaction<T>(fn: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }
}
