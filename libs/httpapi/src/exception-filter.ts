import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiError } from './api-error.js';
import { toErrorResponse } from './error-response.js';
import type { AnyResponse } from './http.js';

/** Every error leaves as Coder's body: {message, detail?, validations?}. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body, headers } = toErrorResponse(exception);
    // A deliberate 5xx (capacity, an unreachable upstream) is an expected answer, not a bug: one
    // warning line. Anything else that ends as a 5xx is a fault worth its stack.
    if (status >= 500 && exception instanceof ApiError) this.logger.warn(`${status} ${body.message}${body.detail ? `: ${body.detail}` : ''}`);
    else if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    const res = host.switchToHttp().getResponse<AnyResponse>();
    for (const [name, value] of Object.entries(headers ?? {})) res.header(name, value);
    this.adapterHost.httpAdapter.reply(res, body, status);
  }
}
