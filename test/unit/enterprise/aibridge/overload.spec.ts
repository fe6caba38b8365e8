// Overload protection: a cap on requests in flight (503), then requests per second per key (429 with
// Retry-After), both off at 0.
import { describe, expect, it } from '@jest/globals';
import { Overload } from '#enterprise/aibridge/gateway/overload.js';
import { ApiError } from '#httpapi/api-error.js';

const AT_CAPACITY = 'AI Bridge is currently at capacity. Please try again later.';
const RATE_LIMITED = "You've been rate limited. Please try again later.";

/** The error admit() throws, or undefined when it admits. */
function admitError(o: Overload, key: string): ApiError | undefined {
  try {
    o.admit(key);
    return undefined;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

const summary = (err: ApiError | undefined) => (err ? { status: err.status, message: err.message, headers: err.headers } : 'admitted');

/** A clock the test moves by hand. */
function clock(start: number) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('Overload: concurrency', () => {
  it('admits up to the cap, then answers 503 with the exact message', () => {
    const o = new Overload(2, 0);
    expect(summary(admitError(o, 'a'))).toBe('admitted');
    expect(summary(admitError(o, 'b'))).toBe('admitted');
    expect(o.current).toBe(2);
    expect(summary(admitError(o, 'c'))).toEqual({ status: 503, message: AT_CAPACITY, headers: undefined });
    // A refused request does not take a slot.
    expect(o.current).toBe(2);
  });

  it('release frees a slot', () => {
    const o = new Overload(1, 0);
    o.admit('a');
    expect(admitError(o, 'a')?.status).toBe(503);
    o.release();
    expect(o.current).toBe(0);
    expect(summary(admitError(o, 'a'))).toBe('admitted');
    expect(o.current).toBe(1);
  });

  it('the cap counts requests of every key together', () => {
    const o = new Overload(3, 0);
    for (const k of ['a', 'b', 'c']) o.admit(k);
    expect(admitError(o, 'd')?.status).toBe(503);
  });

  it('the error is an ApiError', () => {
    const o = new Overload(1, 0);
    o.admit('a');
    expect(() => o.admit('a')).toThrow(ApiError);
    expect(() => o.admit('a')).toThrow(AT_CAPACITY);
  });
});

describe('Overload: rate limit', () => {
  it('allows N per key per 1 s window, then 429 with Retry-After; the next window resets', () => {
    const c = clock(10_000);
    const o = new Overload(0, 2, c.now);
    const results: unknown[] = [];
    const hit = () => {
      const err = admitError(o, 'token-a');
      if (!err) o.release();
      results.push(summary(err));
    };
    hit();
    c.t = 10_400;
    hit();
    c.t = 10_999;
    hit();
    c.t = 11_000;
    hit();
    hit();
    hit();
    expect(results).toEqual([
      'admitted',
      'admitted',
      { status: 429, message: RATE_LIMITED, headers: { 'Retry-After': '1' } },
      'admitted',
      'admitted',
      { status: 429, message: RATE_LIMITED, headers: { 'Retry-After': '1' } },
    ]);
  });

  it('windows are aligned to whole seconds of the clock', () => {
    const c = clock(5_900);
    const o = new Overload(0, 1, c.now);
    o.admit('k');
    o.release();
    expect(admitError(o, 'k')?.status).toBe(429);
    // 100 ms later a new second starts: a new window.
    c.t = 6_000;
    expect(summary(admitError(o, 'k'))).toBe('admitted');
  });

  it('keys are independent', () => {
    const c = clock(0);
    const o = new Overload(0, 1, c.now);
    expect(summary(admitError(o, 'token-a'))).toBe('admitted');
    expect(summary(admitError(o, 'token-b'))).toBe('admitted');
    expect(summary(admitError(o, 'ip:10.0.0.1'))).toBe('admitted');
    expect(admitError(o, 'token-a')?.status).toBe(429);
    expect(admitError(o, 'token-b')?.status).toBe(429);
  });

  it('a rate-limited request does not take a concurrency slot', () => {
    const c = clock(0);
    const o = new Overload(5, 1, c.now);
    o.admit('a');
    expect(admitError(o, 'a')?.status).toBe(429);
    expect(o.current).toBe(1);
  });

  it('a request refused for capacity does not use up the rate limit', () => {
    const c = clock(0);
    const o = new Overload(1, 2, c.now);
    o.admit('a'); // 1 of 2
    expect(admitError(o, 'a')?.status).toBe(503); // not counted
    o.release();
    expect(summary(admitError(o, 'a'))).toBe('admitted'); // 2 of 2
    o.release();
    expect(admitError(o, 'a')?.status).toBe(429);
  });

  it('capacity is checked before the rate limit', () => {
    const c = clock(0);
    const o = new Overload(1, 1, c.now);
    o.admit('a');
    // Over both limits: the answer is 503.
    expect(admitError(o, 'a')?.status).toBe(503);
  });
});

describe('Overload: off', () => {
  it('both 0: unlimited', () => {
    const o = new Overload(0, 0, () => 0);
    for (let i = 0; i < 5_000; i++) o.admit(i % 2 === 0 ? 'same' : `k${i}`);
    expect(o.current).toBe(5_000);
  });
});
