import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for what browser-based OAuth2 and MCP clients call across origins: discovery, token,
 * revocation, registration and the MCP endpoint. Any origin, no credentials (these endpoints take
 * bearer tokens and client credentials, never the session cookie), so a page elsewhere gains nothing
 * it could not do from a server. The authorization endpoint is a page for the browser itself: no CORS.
 */
@Injectable()
export class Oauth2CorsMiddleware implements NestMiddleware {
  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version');
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID, Coder-Session-Token');
    res.setHeader('Access-Control-Max-Age', '86400');
    res.statusCode = 204;
    res.end();
  }
}

/** The paths it covers (Nest middleware route patterns). */
export const CORS_PATHS = [
  '.well-known/oauth-authorization-server',
  '.well-known/oauth-authorization-server/*path',
  '.well-known/oauth-protected-resource',
  '.well-known/oauth-protected-resource/*path',
  'oauth2/tokens',
  'oauth2/revoke',
  'oauth2/register',
  'oauth2/clients/*path',
  'api/experimental/mcp/http',
];
