import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isoTimestamp } from '#db/sql.js';
import type { ProvisionerType } from '#provisioner/protocol.js';
import type { DaemonIdentity } from '#coderd/provisioners/daemons.repository.js';

/** A provisioner key without its hash; created_at is RFC 3339 text. */
export interface ProvisionerKeyRow {
  id: string;
  created_at: string;
  organization_id: string;
  name: string;
  tags: Record<string, string>;
}

/** The unique index on (organization_id, lower(name)) (migration 1733000000000-workspaces). */
export const KEY_NAME_INDEX = 'provisioner_keys_organization_id_name_idx';

const COLUMNS = `id, ${isoTimestamp('created_at')} AS created_at, organization_id, name, tags`;
/** The reserved keys (built-in, user-auth, psk) hold no secret. */
const NOT_RESERVED = `hashed_secret <> '\\x'::bytea`;

/** All SQL for provisioner keys. */
@Injectable()
export class ProvisionerKeysRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async insert(k: { id: string; organizationId: string; name: string; hashedSecret: Buffer; tags: Record<string, string> }): Promise<ProvisionerKeyRow> {
    const rows: ProvisionerKeyRow[] = await this.ds.query(
      `INSERT INTO provisioner_keys (id, organization_id, name, hashed_secret, tags) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [k.id, k.organizationId, k.name, k.hashedSecret, k.tags],
    );
    return rows[0];
  }

  /** An organization's keys, oldest first; the reserved ones only when asked for. */
  list(orgId: string, opts: { includeReserved: boolean }): Promise<ProvisionerKeyRow[]> {
    return this.ds.query(
      `SELECT ${COLUMNS} FROM provisioner_keys WHERE organization_id = $1 AND ($2 OR ${NOT_RESERVED}) ORDER BY created_at, id`,
      [orgId, opts.includeReserved],
    );
  }

  /** Names are unique per organization regardless of case. */
  async byName(orgId: string, name: string): Promise<ProvisionerKeyRow | undefined> {
    const rows: ProvisionerKeyRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM provisioner_keys WHERE organization_id = $1 AND lower(name) = lower($2)`,
      [orgId, name],
    );
    return rows[0];
  }

  /** The key whose secret hashes to `hashed` (unique partial index provisioner_keys_hashed_secret_idx). */
  async bySecretHash(hashed: Buffer): Promise<ProvisionerKeyRow | undefined> {
    const rows: ProvisionerKeyRow[] = await this.ds.query(`SELECT ${COLUMNS} FROM provisioner_keys WHERE hashed_secret = $1 AND ${NOT_RESERVED}`, [hashed]);
    return rows[0];
  }

  /**
   * One round trip per message of an external daemon: the key whose secret hashes to `hashed`, and
   * the daemon `daemonId` if it registered with that key (null otherwise, or for no id).
   */
  async daemonOfKey(hashed: Buffer, daemonId: string | null): Promise<{ daemon: DaemonIdentity | null } | undefined> {
    const rows: Array<{ id: string | null; organization_id: string; provisioners: ProvisionerType[]; tags: Record<string, string> }> = await this.ds.query(
      `SELECT d.id, d.organization_id, d.provisioners::text[] AS provisioners, d.tags
       FROM provisioner_keys k LEFT JOIN provisioner_daemons d ON d.key_id = k.id AND d.id = $2::uuid
       WHERE k.hashed_secret = $1 AND ${NOT_RESERVED.replace('hashed_secret', 'k.hashed_secret')}`,
      [hashed, daemonId],
    );
    if (rows.length === 0) return undefined;
    const d = rows[0];
    return { daemon: d.id ? { id: d.id, organizationId: d.organization_id, provisioners: d.provisioners, tags: d.tags } : null };
  }

  /** Deletes the key; its daemons go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.ds.query(`DELETE FROM provisioner_keys WHERE id = $1`, [id]);
  }
}
