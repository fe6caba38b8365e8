export interface APIKeyAllowListTarget {
  type: string;
  id: string;
}

export interface APIKey {
  id: string;
  user_id: string;
  last_used: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
  login_type: string;
  scope: string;
  scopes: string[];
  token_name: string;
  lifetime_seconds: number;
  allow_list: APIKeyAllowListTarget[];
}

export interface APIKeyWithOwner extends APIKey {
  username: string;
}

export interface GenerateAPIKeyResponse {
  key: string;
}

export interface TokenConfig {
  max_token_lifetime: number;
}

/** GET /api/v2/auth/scopes: the scopes a token may be created with. */
export interface ExternalAPIKeyScopes {
  external: string[];
}
