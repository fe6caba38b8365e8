import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { OrganizationsRepository, type OrganizationRow } from '#coderd/organizations/organizations.repository.js';

export interface OrganizationChanges {
  name?: string;
  displayName?: string;
  description?: string;
  icon?: string;
}

/** What still lives in an organization that is about to be deleted. */
export interface OrganizationLeftovers {
  /** Members (not deleted users) other than the caller. */
  members: number;
  /** Groups other than Everyone. */
  groups: number;
}

/** SQL for creating, changing and deleting organizations (reads go through the core repository). */
@Injectable()
export class MultiOrgRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly orgs: OrganizationsRepository,
  ) {}

  /** The organization, its Everyone group and its creator's membership, all or nothing. */
  async create(org: { id: string; name: string; displayName: string; description: string; icon: string }, creatorId: string): Promise<void> {
    await this.ds.transaction(async (db) => {
      await this.orgs.insert({ ...org, isDefault: false }, db);
      await this.orgs.addMember(org.id, creatorId, [], db);
    });
  }

  async update(id: string, c: OrganizationChanges): Promise<void> {
    await this.ds.query(
      `UPDATE organizations SET name = COALESCE($2, name), display_name = COALESCE($3, display_name),
         description = COALESCE($4, description), icon = COALESCE($5, icon), updated_at = now()
       WHERE id = $1 AND NOT deleted`,
      [id, c.name ?? null, c.displayName ?? null, c.description ?? null, c.icon ?? null],
    );
  }

  /**
   * Soft-deletes the organization unless members other than `callerId` or groups other than
   * Everyone remain. The row is locked first, so a member or group added meanwhile (their foreign
   * keys lock it too) is either counted or waits until the deletion is done.
   */
  async softDeleteIfEmpty(id: string, callerId: string): Promise<OrganizationLeftovers | 'deleted' | 'gone'> {
    return this.ds.transaction(async (db) => {
      const locked = await db.query(`SELECT 1 FROM organizations WHERE id = $1 AND NOT deleted FOR UPDATE`, [id]);
      if (locked.length === 0) return 'gone';
      const [left]: OrganizationLeftovers[] = await db.query(
        `SELECT
           (SELECT count(*)::int FROM organization_members m JOIN users u ON u.id = m.user_id AND NOT u.deleted
             WHERE m.organization_id = $1 AND m.user_id <> $2) AS members,
           (SELECT count(*)::int FROM groups g WHERE g.organization_id = $1 AND g.id <> $1) AS groups`,
        [id, callerId],
      );
      if (left.members > 0 || left.groups > 0) return left;
      // The memberships go with it (only the caller's is left): nothing keeps listing a deleted organization.
      await db.query(`DELETE FROM organization_members WHERE organization_id = $1`, [id]);
      await db.query(`UPDATE organizations SET deleted = true, updated_at = now() WHERE id = $1`, [id]);
      return 'deleted';
    });
  }

  findByIdOrName(idOrName: string): Promise<OrganizationRow | undefined> {
    return this.orgs.findByIdOrName(idOrName);
  }
}
