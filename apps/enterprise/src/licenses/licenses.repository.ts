import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface LicenseRow {
  id: number;
  uuid: string;
  uploaded_at: Date;
  jwt: string;
  exp: Date;
}

/** All SQL for licenses, plus the usage counts entitlements are computed from. */
@Injectable()
export class LicensesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(jwt: string, exp: Date, uuid: string): Promise<LicenseRow> {
    const [row] = await this.ds.query(`INSERT INTO licenses (jwt, exp, uuid) VALUES ($1, $2, $3) RETURNING id, uuid, uploaded_at, jwt, exp`, [
      jwt,
      exp,
      uuid,
    ]);
    return row;
  }

  list(): Promise<LicenseRow[]> {
    return this.ds.query(`SELECT id, uuid, uploaded_at, jwt, exp FROM licenses ORDER BY id`);
  }

  /** Licenses whose grace period has not ended (expired ones no longer count for anything). */
  unexpired(now: Date): Promise<LicenseRow[]> {
    return this.ds.query(`SELECT id, uuid, uploaded_at, jwt, exp FROM licenses WHERE exp > $1 ORDER BY id`, [now]);
  }

  /** The deleted row, or undefined when there was none. */
  async delete(id: number): Promise<LicenseRow | undefined> {
    const [rows] = (await this.ds.query(`DELETE FROM licenses WHERE id = $1 RETURNING id, uuid, uploaded_at, jwt, exp`, [id])) as [LicenseRow[], number];
    return rows[0];
  }

  /** Users counted against user_limit: active, not deleted, not system accounts. */
  async activeUserCount(): Promise<number> {
    const [row] = await this.ds.query(`SELECT count(*)::int AS n FROM users WHERE status = 'active' AND NOT deleted AND NOT is_system`);
    return row.n;
  }

  /** AI seats held by users who still count as users (active, not deleted): the AI governance usage. */
  async activeAiSeatCount(): Promise<number> {
    const [row] = await this.ds.query(
      `SELECT count(*)::int AS n FROM ai_seat_state s JOIN users u ON u.id = s.user_id
       WHERE u.status = 'active' AND NOT u.deleted AND NOT u.is_system`,
    );
    return row.n;
  }
}
