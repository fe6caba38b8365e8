import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { setHeader, type AnyResponse } from './http.js';

/**
 * Answers that carry secrets or tokens must not be cached (RFC 6749 5.1): `Cache-Control: no-store`
 * and `Pragma: no-cache`, set before the handler runs so that error answers carry them too.
 */
@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<AnyResponse>();
    setHeader(res, 'Cache-Control', 'no-store');
    setHeader(res, 'Pragma', 'no-cache');
    return next.handle();
  }
}
