import type { CallHandler, ExecutionContext, INestApplication, NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';

/**
 * Counts route handlers still running. A handler whose connection was cut at the end of the shutdown
 * grace period still has to finish its bookkeeping (an AI Bridge stream records how it ended), and
 * must do it before the modules (the database among them) shut down.
 */
export class InFlightHandlers implements NestInterceptor {
  private running = 0;
  private readonly idle = new Set<() => void>();

  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.running++;
    return next.handle().pipe(
      finalize(() => {
        if (--this.running > 0) return;
        for (const wake of this.idle) wake();
        this.idle.clear();
      }),
    );
  }

  get count(): number {
    return this.running;
  }

  /** Resolves with 0 once no handler runs, or with the number still running after `withinMs`. */
  settled(withinMs: number): Promise<number> {
    if (this.running === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idle.delete(done);
        resolve(this.running);
      };
      const timer = setTimeout(done, withinMs);
      this.idle.add(done);
    });
  }
}

const trackers = new WeakMap<INestApplication, InFlightHandlers>();

/** Registers the counter on an application (before it initialises). */
export function trackInFlightHandlers(app: INestApplication): void {
  const tracker = new InFlightHandlers();
  app.useGlobalInterceptors(tracker);
  trackers.set(app, tracker);
}

export function inFlightHandlers(app: INestApplication): InFlightHandlers | undefined {
  return trackers.get(app);
}
