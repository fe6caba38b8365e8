// Expected 5xx answers are logged as warning lines, the same line at most once per interval.
import { describe, expect, it } from '@jest/globals';
import { ThrottledWarnings } from '#httpapi/exception-filter.js';

describe('ThrottledWarnings', () => {
  function throttle() {
    const written: string[] = [];
    let now = 0;
    const t = new ThrottledWarnings((l) => written.push(l), 5_000, () => now);
    return { written, t, at: (ms: number) => (now = ms) };
  }

  it('writes a line once per interval and then says how many were left out', () => {
    const { written, t, at } = throttle();
    t.warn('503 down (ECONNREFUSED)');
    at(1_000);
    t.warn('503 down (ECONNREFUSED)');
    t.warn('503 down (ECONNREFUSED)');
    at(4_999);
    t.warn('503 down (ECONNREFUSED)');
    expect(written).toEqual(['503 down (ECONNREFUSED)']);
    at(5_000);
    t.warn('503 down (ECONNREFUSED)');
    at(10_000);
    t.warn('503 down (ECONNREFUSED)');
    expect(written).toEqual(['503 down (ECONNREFUSED)', '503 down (ECONNREFUSED) [3 more since the last report]', '503 down (ECONNREFUSED)']);
  });

  it('throttles each distinct line on its own', () => {
    const { written, t } = throttle();
    t.warn('a');
    t.warn('b');
    t.warn('a');
    expect(written).toEqual(['a', 'b']);
  });
});
