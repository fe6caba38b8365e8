import { ProtocolError } from '#httpapi/api-error.js';
import type { OAuth2Error, OAuth2ErrorCode } from '#sdk/oauth2.js';

/** An RFC 6749 error answer: `{error, error_description}` (never Coder's `{message}`). */
export function oauth2Error(status: number, error: OAuth2ErrorCode, description: string, headers?: Record<string, string>): ProtocolError {
  const body: OAuth2Error = { error, error_description: description };
  return new ProtocolError(status, body, `${error}: ${description}`, headers);
}

export const invalidRequest = (description: string) => oauth2Error(400, 'invalid_request', description);

/** RFC 6749 5.2: a failed client authentication is 401, with a Basic challenge for clients that used it. */
export const invalidClient = () =>
  oauth2Error(401, 'invalid_client', 'The client credentials are invalid', { 'WWW-Authenticate': 'Basic realm="coder"' });

export const MALFORMED = 'The request is missing required parameters or is otherwise malformed';
