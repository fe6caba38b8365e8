// AI Bridge overload protection, per replica as in Coder: a cap on requests in flight (503), then
// a per-second limit per token (429). Both off when configured as 0.
import { ApiError } from '#httpapi/api-error.js';
import { FixedWindowLimiter } from '#httpapi/rate-limiter.js';

export class Overload {
  private inFlight = 0;
  private readonly limiter?: FixedWindowLimiter;

  constructor(
    private readonly maxConcurrency: number,
    rateLimit: number,
    now: () => number = Date.now,
  ) {
    if (rateLimit > 0) this.limiter = new FixedWindowLimiter(rateLimit, 1000, now);
  }

  /** Admits one request or throws; an admitted request must call release() exactly once. */
  admit(rateKey: string): void {
    if (this.maxConcurrency > 0 && this.inFlight >= this.maxConcurrency) {
      throw new ApiError(503, 'AI Bridge is currently at capacity. Please try again later.');
    }
    if (this.limiter) {
      const r = this.limiter.hit(rateKey);
      if (!r.allowed) {
        throw new ApiError(429, "You've been rate limited. Please try again later.", undefined, undefined, { 'Retry-After': String(r.retryAfterSeconds) });
      }
    }
    this.inFlight++;
  }

  release(): void {
    this.inFlight--;
  }

  get current(): number {
    return this.inFlight;
  }
}
