import { HttpException, HttpStatus } from '@nestjs/common';
import { ApiError, type ErrorBody } from './api-error.js';

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
  /** An expected 5xx (the database is unreachable): the one line to log, in place of a stack trace. */
  warning?: string;
}

const INTERNAL: ErrorBody = { message: 'An internal error occurred. Please try again or contact the system administrator.' };

/** Maps anything thrown while serving a request to Coder's error body and a status code. */
export function toErrorResponse(err: unknown): ErrorResponse {
  if (err instanceof ApiError) return { status: err.status, body: err.body(), headers: err.headers };
  if (err instanceof HttpException) return fromHttpException(err);
  const unavailable = databaseUnavailable(err);
  if (unavailable) return unavailable;
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

export const DATABASE_UNAVAILABLE = 'The database is unavailable; try again shortly.';
/** Seconds a client should wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const LOST = 'The connection to the database was lost.';
const TIMED_OUT = 'Timed out waiting for a database connection.';
/** Connection-level failures of the database, by SQLSTATE, Node error code or pg's own messages. */
const UNAVAILABLE_CODES = new Map([
  ['57P01', 'The database is shutting down.'], // admin_shutdown: a fast or immediate shutdown
  ['57P02', 'The database server crashed.'], // crash_shutdown
  ['57P03', 'The database is starting up or shutting down.'], // cannot_connect_now
  ['53300', 'The database has no free connection slots.'], // too_many_connections
  ['ECONNREFUSED', 'The database refused the connection.'],
  ['ECONNRESET', LOST],
  ['EPIPE', LOST],
  ['ETIMEDOUT', 'Timed out connecting to the database.'],
  ['EHOSTUNREACH', 'The database host is unreachable.'],
  ['ENETUNREACH', 'The database host is unreachable.'],
  ['ENOTFOUND', 'The database host name could not be resolved.'],
  ['EAI_AGAIN', 'The database host name could not be resolved.'],
]);
/** pg and pg-pool raise these without a code. */
const UNAVAILABLE_MESSAGES = new Map([
  ['Connection terminated unexpectedly', LOST],
  ['Connection terminated', LOST],
  ['Client has encountered a connection error and is not queryable', LOST],
  ['timeout exceeded when trying to connect', TIMED_OUT],
  ['Connection terminated due to connection timeout', TIMED_OUT],
  ['Cannot use a pool after calling end on the pool', 'The server is shutting down.'],
]);

/**
 * A database that cannot be reached is not a bug in the request: 503 with Retry-After, logged as one
 * line. The detail says what went wrong without the host, port or user the driver's message names.
 */
function databaseUnavailable(err: unknown): ErrorResponse | undefined {
  for (const e of causes(err)) {
    const detail = unavailableDetail(e);
    if (!detail) continue;
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: { message: DATABASE_UNAVAILABLE, detail },
      headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      warning: `${HttpStatus.SERVICE_UNAVAILABLE} ${DATABASE_UNAVAILABLE} (${e.message || String(e.code)})`,
    };
  }
  return undefined;
}

function unavailableDetail(e: ErrorLike): string | undefined {
  const code = typeof e.code === 'string' ? e.code : '';
  const known = UNAVAILABLE_CODES.get(code);
  if (known) return known;
  // Class 08 is "connection exception".
  if (/^08[0-9A-Z]{3}$/.test(code)) return `The connection to the database failed (SQLSTATE ${code}).`;
  return typeof e.message === 'string' ? UNAVAILABLE_MESSAGES.get(e.message) : undefined;
}

interface ErrorLike {
  code?: unknown;
  message?: string;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error and what it wraps: TypeORM's driverError, an Error cause, an AggregateError's first error. */
function causes(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  for (let e = err as ErrorLike | undefined; e && typeof e === 'object' && out.length < 4; ) {
    out.push(e);
    const first = Array.isArray(e.errors) ? (e.errors[0] as ErrorLike | undefined) : undefined;
    e = (e.driverError ?? e.cause ?? first) as ErrorLike | undefined;
  }
  return out;
}
