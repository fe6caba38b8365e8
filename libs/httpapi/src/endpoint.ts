import { applyDecorators, Delete, Get, HttpCode, Patch, Post, Put, UseInterceptors, type Type } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Public } from './auth-decorators.js';
import { ErrorBodyDto } from './error-body.dto.js';
import { AuditScopeInterceptor } from './audit-scope.js';
import { StateBarrierInterceptor } from './state-barrier.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface EndpointOptions {
  /** OpenAPI operationId (stable: generated clients name their methods after it). */
  id: string;
  summary: string;
  description?: string;
  /** Response body class; wrap in an array for a list. Omit for no body. */
  response?: Type<unknown> | [Type<unknown>] | 'string';
  /** A raw JSON schema for bodies no class describes (maps). */
  responseSchema?: Record<string, unknown>;
  status?: number;
  /** Error statuses this route can answer besides 400, 401 (authenticated routes), 404 and 429. */
  errors?: number[];
  /** No session needed (otherwise the controller's @Authenticated() applies). */
  public?: boolean;
  /**
   * Whether the route changes state: its answer waits for the change's notifications
   * (StateBarrierInterceptor) and what it audits is written with its status (AuditScopeInterceptor).
   * Every method but GET by default.
   */
  changesState?: boolean;
  /** Marked deprecated in the OpenAPI document (kept for older clients). */
  deprecated?: boolean;
}

const ROUTE = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete };
const DEFAULT_STATUS: Record<Method, number> = { GET: 200, POST: 201, PUT: 200, PATCH: 200, DELETE: 204 };
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (validations name each field).',
  401: 'Missing, invalid or expired session token.',
  403: 'Not allowed.',
  404: 'Not found, or not visible to the caller.',
  406: 'Not acceptable yet: what it depends on is still in progress.',
  409: 'Conflicts with an existing resource.',
  410: 'Gone: deleted.',
  412: 'A precondition of the request does not hold.',
  429: 'Rate limited.',
  502: 'An upstream service could not be reached.',
  503: 'At capacity, or not configured.',
  504: 'An upstream service timed out.',
};

/** One decorator per route: method and path, status, operation id, documented responses, public or not. */
export function Endpoint(method: Method, path: string, o: EndpointOptions): MethodDecorator {
  const status = o.status ?? DEFAULT_STATUS[method];
  const isArray = Array.isArray(o.response);
  const type = isArray ? (o.response as [Type<unknown>])[0] : o.response;
  const decorators = [
    ROUTE[method](path),
    HttpCode(status),
    ApiOperation({ operationId: o.id, summary: o.summary, description: o.description, ...(o.deprecated ? { deprecated: true } : {}) }),
    o.responseSchema || type === 'string'
      ? ApiResponse({ status, description: 'OK', schema: o.responseSchema ?? { type: 'string' } })
      : ApiResponse({ status, description: type ? 'OK' : 'No content', ...(type ? { type, isArray } : {}) }),
    ...(o.public ? [Public()] : []),
    ...((o.changesState ?? method !== 'GET') ? [UseInterceptors(AuditScopeInterceptor, StateBarrierInterceptor)] : []),
    ...[...new Set([400, ...(o.public ? [] : [401]), 404, 429, ...(o.errors ?? [])])].map((code) =>
      ApiResponse({ status: code, description: ERROR_TEXT[code] ?? 'Error', type: ErrorBodyDto }),
    ),
  ];
  return applyDecorators(...decorators);
}
