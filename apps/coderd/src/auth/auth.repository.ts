import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { UserStatus } from '#db/entities/user.entity.js';
import type { ApiKeyRow } from '../apikeys/apikeys.repository.js';
import { USER_COLUMNS, type UserRow } from '../users/users.repository.js';

/** What authorization needs to know about a user: roles, memberships and groups. */
export interface UserAuthRow {
  user_id: string;
  username: string;
  status: UserStatus;
  rbac_roles: string[];
  org_roles: Record<string, string[]>;
  group_ids: string[];
}

export interface KeyWithUserRow extends ApiKeyRow, UserAuthRow {
  /** For a key issued to an OAuth2 app: whether its token row exists, and the audience it was issued for. */
  oauth2_token_exists: boolean | null;
  oauth2_audience: string | null;
  /** The whole user (as UsersRepository reads it), so /users/me is served from the same cache entry. */
  user: UserRow;
}

const USER_AUTH = `u.id AS user_id, u.username, u.status, u.rbac_roles,
  COALESCE((SELECT json_object_agg(om.organization_id, om.roles) FROM organization_members om WHERE om.user_id = u.id), '{}') AS org_roles,
  COALESCE((SELECT array_agg(gm.group_id) FROM group_members_expanded gm WHERE gm.user_id = u.id), '{}') AS group_ids`;

// Evaluated only for keys issued to OAuth2 apps (CASE runs its sub-selects lazily): other keys pay nothing.
const OAUTH2_TOKEN = `CASE WHEN k.login_type = 'oauth2_provider_app' THEN EXISTS (SELECT 1 FROM oauth2_provider_app_tokens t WHERE t.api_key_id = k.id AND t.rotated_at IS NULL) END AS oauth2_token_exists,
  CASE WHEN k.login_type = 'oauth2_provider_app' THEN (SELECT t.audience FROM oauth2_provider_app_tokens t WHERE t.api_key_id = k.id AND t.rotated_at IS NULL LIMIT 1) END AS oauth2_audience`;

/** The single query behind a cache miss on the authentication path: key, user, roles, groups. */
@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async keyWithUser(keyId: string): Promise<KeyWithUserRow | undefined> {
    const rows: KeyWithUserRow[] = await this.ds.query(
      `SELECT k.id, k.hashed_secret, k.last_used, k.expires_at, k.created_at, k.updated_at, k.login_type,
              k.lifetime_seconds, k.token_name, k.scopes, k.allow_list, ${USER_AUTH}, ${OAUTH2_TOKEN},
              (SELECT row_to_json(x) FROM (SELECT ${USER_COLUMNS} FROM users u WHERE u.id = k.user_id) x) AS user
       FROM api_keys k JOIN users u ON u.id = k.user_id AND NOT u.deleted
       WHERE k.id = $1`,
      [keyId],
    );
    return rows[0];
  }
}
