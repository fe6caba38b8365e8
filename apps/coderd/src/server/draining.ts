import { Injectable } from '@nestjs/common';

/**
 * Fires when the server starts to shut down, before it waits for in-flight requests: handlers that
 * would otherwise hold a request open for long (a daemon's acquire long poll) answer at once.
 */
@Injectable()
export class Draining {
  private readonly controller = new AbortController();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): void {
    this.controller.abort();
  }
}
