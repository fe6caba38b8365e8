import type { DeploymentConfig } from '../config/config.js';
import { SESSION_TOKEN_COOKIE } from '#httpapi/token.js';

/** The browser session cookie (HttpOnly, SameSite=Lax: a cross-site POST does not carry it). */
export function sessionCookie(config: DeploymentConfig, value: string, expires: Date): string {
  const parts = [`${SESSION_TOKEN_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Expires=${expires.toUTCString()}`];
  if (config.secureAuthCookie) parts.push('Secure');
  return parts.join('; ');
}
