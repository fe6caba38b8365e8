import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiError, ProtocolError } from './api-error.js';
import { toErrorResponse } from './error-response.js';
import type { AnyResponse } from './http.js';

/** Every error leaves as Coder's body ({message, detail?, validations?}), or as its protocol's (ProtocolError). */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');
  private readonly warnings = new ThrottledWarnings((line) => this.logger.warn(line));

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<AnyResponse>();
    if (exception instanceof ProtocolError) {
      for (const [name, value] of Object.entries(exception.headers ?? {})) res.header(name, value);
      this.adapterHost.httpAdapter.reply(res, exception.wireBody, exception.status);
      return;
    }
    const { status, body, headers, warning } = toErrorResponse(exception);
    // A deliberate 5xx (capacity, an unreachable upstream or database) is an expected answer, not a
    // bug: one warning line. Anything else that ends as a 5xx is a fault worth its stack.
    if (warning) this.warnings.warn(warning);
    else if (status >= 500 && exception instanceof ApiError) this.warnings.warn(`${status} ${body.message}${body.detail ? `: ${body.detail}` : ''}`);
    else if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    for (const [name, value] of Object.entries(headers ?? {})) res.header(name, value);
    this.adapterHost.httpAdapter.reply(res, body, status);
  }
}

const WARNING_INTERVAL_MS = 5_000;
const MAX_DISTINCT_WARNINGS = 1_000;

/**
 * The same line at most once per interval, so that an outage under load logs a few lines rather than
 * one per request; the next line after a quiet spell says how many were left out.
 */
export class ThrottledWarnings {
  private readonly last = new Map<string, { at: number; skipped: number }>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs = WARNING_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  warn(line: string): void {
    const at = this.now();
    const seen = this.last.get(line);
    if (seen && at - seen.at < this.intervalMs) {
      seen.skipped++;
      return;
    }
    if (!seen && this.last.size >= MAX_DISTINCT_WARNINGS) this.last.clear();
    this.write(seen?.skipped ? `${line} [${seen.skipped} more since the last report]` : line);
    this.last.set(line, { at, skipped: 0 });
  }
}
