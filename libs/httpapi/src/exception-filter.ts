import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { toErrorResponse } from './error-response.js';
import type { AnyResponse } from './http.js';

/** Every error leaves as Coder's body: {message, detail?, validations?}. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body, headers } = toErrorResponse(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    const res = host.switchToHttp().getResponse<AnyResponse>();
    for (const [name, value] of Object.entries(headers ?? {})) res.header(name, value);
    this.adapterHost.httpAdapter.reply(res, body, status);
  }
}
