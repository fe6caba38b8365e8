import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestamp, limitOffset } from '#db/sql.js';
import { UUID_RE } from '#httpapi/pagination.js';
import { HAS_AI_SEAT } from '../users/users.repository.js';

export interface OrganizationRow {
  id: string;
  name: string;
  display_name: string;
  description: string;
  icon: string;
  created_at: string;
  updated_at: string;
  is_default: boolean;
}

export interface MemberRow {
  user_id: string;
  organization_id: string;
  created_at: string;
  updated_at: string;
  roles: string[];
  username: string;
  name: string;
  avatar_url: string;
  email: string;
  global_roles: string[];
  last_seen_at: string;
  status: string;
  login_type: string;
  user_created_at: string;
  user_updated_at: string;
  is_service_account: boolean;
  has_ai_seat: boolean;
}

type Db = DataSource | EntityManager;

const ORG_COLUMNS = `o.id, o.name, o.display_name, o.description, o.icon, ${isoTimestamp('o.created_at')} AS created_at,
  ${isoTimestamp('o.updated_at')} AS updated_at, o.is_default`;
const MEMBER_COLUMNS = `m.user_id, m.organization_id, ${isoTimestamp('m.created_at')} AS created_at, ${isoTimestamp('m.updated_at')} AS updated_at,
  m.roles, u.username, u.name, u.avatar_url, u.email, u.rbac_roles AS global_roles, ${isoTimestamp('u.last_seen_at')} AS last_seen_at,
  u.status, u.login_type, ${isoTimestamp('u.created_at')} AS user_created_at, ${isoTimestamp('u.updated_at')} AS user_updated_at,
  u.is_service_account, ${HAS_AI_SEAT}`;

/** All SQL for organizations and their members. */
@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** An organization always comes with its Everyone group (same id as the organization). */
  async insert(org: { id: string; name: string; displayName: string; description: string; icon: string; isDefault: boolean }, db: Db = this.ds) {
    await db.query(
      `INSERT INTO organizations (id, name, display_name, description, icon, is_default) VALUES ($1, $2, $3, $4, $5, $6)`,
      [org.id, org.name, org.displayName, org.description, org.icon, org.isDefault],
    );
    await db.query(`INSERT INTO groups (id, name, display_name, organization_id) VALUES ($1, 'Everyone', '', $1)`, [org.id]);
  }

  async findDefault(db: Db = this.ds): Promise<OrganizationRow | undefined> {
    const rows = await db.query(`SELECT ${ORG_COLUMNS} FROM organizations o WHERE o.is_default AND NOT o.deleted`);
    return rows[0];
  }

  /** By id, or by case-insensitive name (Coder's `{organization}` path parameter accepts both). */
  async findByIdOrName(idOrName: string): Promise<OrganizationRow | undefined> {
    const byId = UUID_RE.test(idOrName);
    const rows = await this.ds.query(
      `SELECT ${ORG_COLUMNS} FROM organizations o WHERE NOT o.deleted AND ${byId ? 'o.id = $1' : 'lower(o.name) = lower($1)'}`,
      [idOrName],
    );
    return rows[0];
  }

  async list(authorized: string): Promise<OrganizationRow[]> {
    return this.ds.query(`SELECT ${ORG_COLUMNS} FROM organizations o WHERE NOT o.deleted AND (${authorized}) ORDER BY o.is_default DESC, lower(o.name)`);
  }

  /** Existing organizations among `ids` (for validating create-user requests). */
  async existing(ids: string[], db: Db = this.ds): Promise<string[]> {
    const rows: { id: string }[] = await db.query(`SELECT id FROM organizations WHERE id = ANY($1::uuid[]) AND NOT deleted`, [ids]);
    return rows.map((r) => r.id);
  }

  async addMember(orgId: string, userId: string, roles: string[] = [], db: Db = this.ds): Promise<void> {
    await db.query(`INSERT INTO organization_members (organization_id, user_id, roles) VALUES ($1, $2, $3)`, [orgId, userId, roles]);
  }

  async removeMember(orgId: string, userId: string): Promise<boolean> {
    const [, n] = await this.ds.query(`DELETE FROM organization_members WHERE organization_id = $1 AND user_id = $2`, [orgId, userId]);
    return n > 0;
  }

  async updateMemberRoles(orgId: string, userId: string, roles: string[]): Promise<void> {
    await this.ds.query(`UPDATE organization_members SET roles = $3, updated_at = now() WHERE organization_id = $1 AND user_id = $2`, [
      orgId,
      userId,
      roles,
    ]);
  }

  async member(orgId: string, userId: string): Promise<MemberRow | undefined> {
    const rows = await this.ds.query(
      `SELECT ${MEMBER_COLUMNS} FROM organization_members m JOIN users u ON u.id = m.user_id AND NOT u.deleted
       WHERE m.organization_id = $1 AND m.user_id = $2`,
      [orgId, userId],
    );
    return rows[0];
  }

  /** Members ordered by username; limit 0 = all. `authorized` filters the members table (alias m). */
  async members(orgId: string, page: { limit: number; offset: number }, authorized: string) {
    const where = `m.organization_id = $1 AND NOT u.deleted AND NOT u.is_system AND (${authorized})`;
    const from = `FROM organization_members m JOIN users u ON u.id = m.user_id`;
    const [rows, count] = await Promise.all([
      this.ds.query(`SELECT ${MEMBER_COLUMNS} ${from} WHERE ${where} ORDER BY lower(u.username)${limitOffset(page.limit, page.offset)}`, [orgId]),
      this.ds.query(`SELECT count(*)::int AS n ${from} WHERE ${where}`, [orgId]),
    ]);
    return { rows: rows as MemberRow[], count: count[0].n as number };
  }
}
