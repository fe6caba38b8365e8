import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ProvisionerType } from '#provisioner/protocol.js';

/** Reserved provisioner key ids (Coder's): the built-in daemons, user-authenticated daemons, PSK daemons. */
export const BUILTIN_KEY_ID = '00000000-0000-0000-0000-000000000001';
export const USER_AUTH_KEY_ID = '00000000-0000-0000-0000-000000000002';
export const PSK_KEY_ID = '00000000-0000-0000-0000-000000000003';
export const RESERVED_KEY_NAMES: Record<string, string> = { [BUILTIN_KEY_ID]: 'built-in', [USER_AUTH_KEY_ID]: 'user-auth', [PSK_KEY_ID]: 'psk' };

export interface DaemonIdentity {
  id: string;
  organizationId: string;
  provisioners: ProvisionerType[];
  tags: Record<string, string>;
}

@Injectable()
export class DaemonsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The reserved key rows daemons of that kind point at (they hold no secret and are never listed). */
  async ensureReservedKey(orgId: string, keyId: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO provisioner_keys (id, organization_id, name, hashed_secret, tags) VALUES ($1, $2, $3, '\\x'::bytea, '{}')
       ON CONFLICT (id) DO NOTHING`,
      [keyId, orgId, RESERVED_KEY_NAMES[keyId]],
    );
  }

  /** Registers a daemon, or takes over the row of a daemon of the same name, organization and owner. */
  async upsert(d: { id: string; organizationId: string; name: string; provisioners: ProvisionerType[]; tags: Record<string, string>; version: string; apiVersion: string; keyId: string; replicaId: string | null }): Promise<string> {
    const rows: { id: string }[] = await this.ds.query(
      `INSERT INTO provisioner_daemons (id, organization_id, name, provisioners, tags, version, api_version, key_id, replica_id, last_seen_at)
       VALUES ($1, $2, $3, $4::provisioner_type[], $5, $6, $7, $8, $9, now())
       ON CONFLICT (organization_id, name, lower(COALESCE(tags ->> 'owner', '')))
       DO UPDATE SET provisioners = EXCLUDED.provisioners, tags = EXCLUDED.tags, version = EXCLUDED.version,
         api_version = EXCLUDED.api_version, key_id = EXCLUDED.key_id, replica_id = EXCLUDED.replica_id, last_seen_at = now()
       RETURNING id`,
      [d.id, d.organizationId, d.name, d.provisioners, d.tags, d.version, d.apiVersion, d.keyId, d.replicaId],
    );
    return rows[0].id;
  }

  async touch(id: string): Promise<void> {
    await this.ds.query(`UPDATE provisioner_daemons SET last_seen_at = now() WHERE id = $1`, [id]);
  }
}
