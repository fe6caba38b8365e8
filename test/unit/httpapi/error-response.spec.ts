// Everything thrown while serving a request becomes Coder's error body and a status code.
import { describe, expect, it } from '@jest/globals';
import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  InternalServerErrorException,
  MethodNotAllowedException,
  NotFoundException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { ApiError, conflict, forbidden, invalidField, notFound } from '#httpapi/api-error.js';
import { DATABASE_UNAVAILABLE, toErrorResponse } from '#httpapi/error-response.js';

const GENERIC_500 = 'An internal error occurred. Please try again or contact the system administrator.';

/** A pg DatabaseError-like object, bare or wrapped by TypeORM's QueryFailedError (driverError). */
function pgError(code: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`pg says ${code}`), { code, ...extra });
}
function typeormError(code: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error('QueryFailedError'), { driverError: pgError(code, extra), query: 'SELECT secret_column FROM x' });
}

describe('toErrorResponse: ApiError', () => {
  it('keeps status, message, detail, validations and headers', () => {
    const err = new ApiError(401, 'Signed out.', 'Token expired.', [{ field: 'token', detail: 'Expired.' }], { 'WWW-Authenticate': 'Bearer' });
    expect(toErrorResponse(err)).toEqual({
      status: 401,
      body: { message: 'Signed out.', detail: 'Token expired.', validations: [{ field: 'token', detail: 'Expired.' }] },
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  });

  it('omits an empty detail and an empty validations list', () => {
    const { body } = toErrorResponse(new ApiError(400, 'Bad.', '', []));
    expect(body).toEqual({ message: 'Bad.' });
  });

  it.each<[string, ApiError, number, string]>([
    ['notFound', notFound(), 404, 'Resource not found or you do not have access to this resource'],
    ['forbidden', forbidden(), 403, 'Forbidden.'],
    ['conflict', conflict('Already exists.'), 409, 'Already exists.'],
    ['invalidField', invalidField('email', 'Bad email.'), 400, 'Validation failed.'],
  ])('helper %s answers %i', (_name, err, status, message) => {
    const res = toErrorResponse(err);
    expect(res.status).toBe(status);
    expect(res.body.message).toBe(message);
  });

  it('invalidField carries exactly one validation entry', () => {
    expect(toErrorResponse(invalidField('email', 'Bad email.')).body.validations).toEqual([{ field: 'email', detail: 'Bad email.' }]);
  });
});

describe('toErrorResponse: Nest HttpExceptions', () => {
  it.each<[string, HttpException, number, Record<string, unknown>]>([
    ['any 404 is an unknown route', new NotFoundException('Cannot GET /api/v2/nope'), 404, { message: 'Route not found.' }],
    ['payload too large', new PayloadTooLargeException(), 413, { message: 'Request body is too large.' }],
    ['unsupported media type', new UnsupportedMediaTypeException(), 415, { message: 'Unsupported content type.', detail: 'Send the request body as application/json.' }],
    ['method not allowed', new MethodNotAllowedException(), 405, { message: 'Method not allowed.' }],
    ['a forbidden exception keeps its sentence', new ForbiddenException('You may not.'), 403, { message: 'You may not.' }],
    ['a plain-string HttpException keeps its text', new HttpException('Slow down.', 429), 429, { message: 'Slow down.' }],
  ])('%s', (_name, err, status, body) => {
    expect(toErrorResponse(err)).toMatchObject({ status, body });
    expect(toErrorResponse(err).body).toEqual(body);
  });

  it('a JSON body-parser failure becomes "Request body must be valid JSON." with the parser text as detail', () => {
    const res = toErrorResponse(new BadRequestException('Unexpected token } in JSON at position 7'));
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Request body must be valid JSON.');
    expect(res.body.detail).toContain('Unexpected token');
  });

  it('a 5xx HttpException answers the generic message without its text', () => {
    const res = toErrorResponse(new InternalServerErrorException('database password is hunter2'));
    expect(res).toEqual({ status: 500, body: { message: GENERIC_500 } });
    expect(JSON.stringify(res)).not.toContain('hunter2');
  });
});

describe('toErrorResponse: framework errors (Fastify)', () => {
  it.each<[string, Record<string, unknown>, number, string]>([
    ['body too large', { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'Request body is too large' }, 413, 'Request body is too large.'],
    ['invalid JSON', { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: "Body is not valid JSON but content-type is set to 'application/json'" }, 400, 'Request body must be valid JSON.'],
    ['unsupported media type', { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', message: 'Unsupported Media Type' }, 415, 'Unsupported content type.'],
  ])('%s', (_name, err, status, message) => {
    const res = toErrorResponse(Object.assign(new Error(String(err.message)), err));
    expect(res.status).toBe(status);
    expect(res.body.message).toBe(message);
  });

  it('a framework error claiming a 5xx status is still a generic 500', () => {
    const res = toErrorResponse(Object.assign(new Error('socket details'), { statusCode: 503 }));
    expect(res).toEqual({ status: 500, body: { message: GENERIC_500 } });
  });
});

describe('toErrorResponse: PostgreSQL errors are 4xx, never 500', () => {
  it.each<[string, string, Record<string, unknown>, number, string]>([
    ['unique violation', '23505', { constraint: 'users_username_key' }, 409, 'A resource with that value already exists.'],
    ['check violation', '23514', { constraint: 'users_username_check' }, 400, 'Validation failed.'],
    ['not-null violation', '23502', { column: 'email' }, 400, 'Validation failed.'],
    ['foreign key violation', '23503', { constraint: 'api_keys_user_id_fkey' }, 400, 'A referenced resource does not exist.'],
    ['invalid text representation (bad uuid)', '22P02', {}, 400, 'Invalid input.'],
    ['string too long', '22001', {}, 400, 'Invalid input.'],
    ['numeric out of range', '22003', {}, 400, 'Invalid input.'],
  ])('%s (%s)', (_name, code, extra, status, message) => {
    for (const err of [pgError(code, extra), typeormError(code, extra)]) {
      const res = toErrorResponse(err);
      expect(res.status).toBe(status);
      expect(res.body.message).toBe(message);
    }
  });

  it('a check violation names the constraint as the field', () => {
    const res = toErrorResponse(typeormError('23514', { constraint: 'groups_quota_check' }));
    expect(res.body.validations).toEqual([{ field: 'groups_quota_check', detail: expect.any(String) }]);
  });

  it('a not-null violation names the column as the field', () => {
    expect(toErrorResponse(pgError('23502', { column: 'email' })).body.validations?.[0].field).toBe('email');
  });

  it('a unique violation names the constraint in detail and does not leak the query', () => {
    const res = toErrorResponse(typeormError('23505', { constraint: 'users_email_key' }));
    expect(res.body.detail).toBe('users_email_key');
    expect(JSON.stringify(res)).not.toContain('secret_column');
  });

  it('an unexpected SQLSTATE (serialization failure) is a generic 500', () => {
    expect(toErrorResponse(typeormError('40001'))).toEqual({ status: 500, body: { message: GENERIC_500 } });
  });
});

describe('toErrorResponse: an unreachable database is 503 with Retry-After, logged as one line', () => {
  const sysError = (code: string, message: string) => Object.assign(new Error(message), { code, errno: -111, syscall: 'connect' });
  it.each<[string, unknown, string]>([
    ['connection refused', sysError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432'), 'The database refused the connection.'],
    ['connection reset', sysError('ECONNRESET', 'read ECONNRESET'), 'The connection to the database was lost.'],
    ['refused on every address (AggregateError)', Object.assign(new AggregateError([sysError('ECONNREFUSED', 'connect ECONNREFUSED ::1:5432')], ''), { code: undefined }), 'The database refused the connection.'],
    ['name not resolved', sysError('ENOTFOUND', 'getaddrinfo ENOTFOUND db.internal'), 'The database host name could not be resolved.'],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly'), 'The connection to the database was lost.'],
    ['pg: broken client', new Error('Client has encountered a connection error and is not queryable'), 'The connection to the database was lost.'],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect'), 'Timed out waiting for a database connection.'],
    ['pg-pool: connect timed out (with cause)', new Error('Connection terminated due to connection timeout', { cause: new Error('timeout expired') }), 'Timed out waiting for a database connection.'],
    ['admin shutdown 57P01', pgError('57P01'), 'The database is shutting down.'],
    ['crash shutdown 57P02', typeormError('57P02'), 'The database server crashed.'],
    ['cannot connect now 57P03', pgError('57P03'), 'The database is starting up or shutting down.'],
    ['too many connections 53300', pgError('53300'), 'The database has no free connection slots.'],
    ['connection failure 08006', typeormError('08006'), 'The connection to the database failed (SQLSTATE 08006).'],
    ['wrapped by TypeORM', { driverError: new Error('Connection terminated unexpectedly'), query: 'SELECT 1' }, 'The connection to the database was lost.'],
  ])('%s', (_name, err, detail) => {
    const res = toErrorResponse(err);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ message: DATABASE_UNAVAILABLE, detail });
    expect(res.headers).toEqual({ 'Retry-After': '5' });
    expect(res.warning).toMatch(/^503 The database is unavailable; try again shortly\. \(.+\)$/);
  });

  it('the body never names the host, port or user; the log line does', () => {
    const res = toErrorResponse(sysError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432'));
    expect(JSON.stringify(res.body)).not.toContain('10.0.0.5');
    expect(res.warning).toContain('10.0.0.5:5432');
  });

  it('other SQLSTATEs and look-alike codes are not taken for an outage', () => {
    for (const err of [typeormError('40001'), pgError('0800'), pgError('57014'), Object.assign(new Error('x'), { code: 'constructor' })]) {
      expect(toErrorResponse(err).status).toBe(500);
    }
  });
});

describe('toErrorResponse: anything else is a generic 500', () => {
  it.each<[string, unknown]>([
    ['an Error with internals in its message', new Error('connect ECONNREFUSED postgres://admin:s3cr3t@db:5432')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 's3cr3t')")],
    ['a thrown string', 's3cr3t string'],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', { detail: 's3cr3t' }],
  ])('%s', (_name, err) => {
    const res = toErrorResponse(err);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: GENERIC_500 });
    expect(JSON.stringify(res)).not.toContain('s3cr3t');
  });
});
