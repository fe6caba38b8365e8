import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiError, type ErrorBody } from './api-error.js';

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

const INTERNAL: ErrorBody = { message: 'An internal error occurred. Please try again or contact the system administrator.' };

/** Maps anything thrown while serving a request to Coder's error body and a status code. */
export function toErrorResponse(err: unknown): ErrorResponse {
  if (err instanceof ApiError) return { status: err.status, body: err.body(), headers: err.headers };
  if (err instanceof HttpException) return fromHttpException(err);
  const pg = postgresError(err);
  if (pg) return fromPostgresError(pg);
  const framework = err as { statusCode?: number; code?: string; message?: string };
  if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { status: framework.statusCode, body: frameworkClientError(framework.statusCode, framework.code, framework.message) };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: INTERNAL };
}

function fromHttpException(err: HttpException): ErrorResponse {
  const status = err.getStatus();
  if (status === HttpStatus.NOT_FOUND) return { status, body: { message: 'Route not found.' } };
  const cause = err.cause as { code?: string } | undefined;
  const response = err.getResponse();
  const text = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? err.message);
  if (status >= 500) return { status, body: INTERNAL };
  return { status, body: frameworkClientError(status, cause?.code, text) };
}

/** Body-parser and router failures, phrased for people rather than for the framework. */
function frameworkClientError(status: number, code: string | undefined, text: string | undefined): ErrorBody {
  if (code === 'FST_ERR_BAD_URL') return { message: 'The request URL is malformed.', detail: text };
  if (status === HttpStatus.URI_TOO_LONG) return { message: 'A path parameter is too long.' };
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) return { message: 'Request body is too large.' };
  if (status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
    return { message: 'Unsupported content type.', detail: 'Send the request body as application/json.' };
  }
  if (status === HttpStatus.BAD_REQUEST && (code?.includes('JSON') || /json/i.test(text ?? ''))) {
    return { message: 'Request body must be valid JSON.', detail: text };
  }
  if (status === HttpStatus.METHOD_NOT_ALLOWED) return { message: 'Method not allowed.' };
  return { message: text || 'Bad request.' };
}

interface PgError {
  code: string;
  constraint?: string;
  column?: string;
  message: string;
}

function postgresError(err: unknown): PgError | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const candidate = (typeof e?.driverError?.code === 'string' ? e.driverError : e) as PgError;
  return typeof candidate?.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) ? candidate : undefined;
}

/**
 * Invariants the database holds (CHECK, unique, FK) surface as 4xx, never 500. Services map the
 * constraints they expect to precise messages first; this is the safety net.
 */
function fromPostgresError(err: PgError): ErrorResponse {
  const field = err.column ?? err.constraint ?? 'request';
  switch (err.code) {
    case '23505':
      return { status: HttpStatus.CONFLICT, body: { message: 'A resource with that value already exists.', detail: err.constraint } };
    case '23514':
    case '23502':
      return { status: HttpStatus.BAD_REQUEST, body: { message: 'Validation failed.', validations: [{ field, detail: err.message }] } };
    case '23503':
      return { status: HttpStatus.BAD_REQUEST, body: { message: 'A referenced resource does not exist.', detail: err.constraint } };
    default:
      // Class 22 is "data exception": a value PostgreSQL cannot take (bad UUID or number syntax, a
      // string too long, a NUL byte, ...). That is always the input's fault.
      if (err.code.startsWith('22')) return { status: HttpStatus.BAD_REQUEST, body: { message: 'Invalid input.', detail: err.message } };
      return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: INTERNAL };
  }
}
