import { AsyncLocalStorage } from 'node:async_hooks';
import { HttpException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Observable, catchError, from, mergeMap, throwError } from 'rxjs';
import { ApiError } from './api-error.js';
import { REQUEST_ID_HEADER, clientIp, header, type AnyRequest, type AnyResponse } from './http.js';

/** What an audit row says about the request that made the change. */
export interface RequestFacts {
  requestId: string;
  ip: string;
  userAgent: string;
}

/**
 * The changes one request recorded, written once its status is known (Coder's audit request, committed
 * when the handler returns): a failed attempt is recorded with its 4xx, a success with the route's
 * status. Each pending write receives that status.
 */
export interface AuditScope extends RequestFacts {
  pending: Array<(statusCode: number) => Promise<void>>;
}

const scopes = new AsyncLocalStorage<AuditScope>();

/** The scope of the request being handled, if it is one that changes state. */
export function currentAuditScope(): AuditScope | undefined {
  return scopes.getStore();
}

function errorStatus(err: unknown): number {
  if (err instanceof ApiError) return err.status;
  if (err instanceof HttpException) return err.getStatus();
  return 500;
}

/**
 * Opens an audit scope around the handler and writes what it recorded before the answer leaves, so
 * that a client reading the audit log right after a change finds it. Attached by `Endpoint` to the
 * routes that change state (reads never pass through it). Writing is the auditor's business: a
 * scope nothing recorded into costs nothing more.
 */
@Injectable()
export class AuditScopeInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<AnyRequest>();
    const res = http.getResponse<AnyResponse & { statusCode?: number }>();
    const scope: AuditScope = {
      requestId: String(res.getHeader(REQUEST_ID_HEADER) ?? ''),
      ip: clientIp(req),
      userAgent: header(req, 'user-agent') ?? '',
      pending: [],
    };
    const declared = (Reflect.getMetadata(HTTP_CODE_METADATA, ctx.getHandler()) as number | undefined) ?? 200;
    const flush = (status: number) => Promise.all(scope.pending.splice(0).map((write) => write(status)));
    // next.handle() binds the handler to the async context it is called in: call it inside the scope.
    const handled = scopes.run(scope, () => next.handle());
    return handled.pipe(
      // A handler that set its own status (a redirect, say) is recorded with it.
      mergeMap((body) => from(flush(res.statusCode && res.statusCode !== 200 ? res.statusCode : declared).then(() => body))),
      catchError((err: unknown) => from(flush(errorStatus(err))).pipe(mergeMap(() => throwError(() => err)))),
    );
  }
}
