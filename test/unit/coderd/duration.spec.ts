// Go time.Duration strings <-> milliseconds.
import { describe, expect, it } from '@jest/globals';
import { formatGoDuration, parseGoDuration } from '#coderd/config/duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('parseGoDuration', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['24h', 24 * H],
    ['1h30m', H + 30 * M],
    ['90s', 90 * S],
    ['90m', 90 * M],
    ['500ms', 500],
    ['720h0m0s', 720 * H],
    ['1.5h', 1.5 * H],
    ['2h45m30s', 2 * H + 45 * M + 30 * S],
    ['1m1s1ms', M + S + 1],
    ['1000us', 1],
    ['1000µs', 1],
    ['1000000ns', 1],
    ['30s30s', 60 * S],
    [' 24h ', 24 * H],
  ])('%j is %d ms', (input, ms) => {
    expect(parseGoDuration(input)).toBeCloseTo(ms, 9);
  });

  it.each<string>(['', ' ', 'h', '10', '1d', '1w', '1h 30m', '1hh', 'abc', 'h1', '1h-', '1.h.5', 'infinity', '1H'])('%j is malformed', (input) => {
    expect(parseGoDuration(input)).toBeUndefined();
  });
});

describe('formatGoDuration (Go time.Duration.String)', () => {
  it.each<[number, string]>([
    [0, '0s'],
    [S, '1s'],
    [1.5 * S, '1.5s'],
    [90 * S, '1m30s'],
    [M, '1m0s'],
    [H, '1h0m0s'],
    [H + 30 * M, '1h30m0s'],
    [24 * H, '24h0m0s'],
    [720 * H, '720h0m0s'],
    [876_600 * H, '876600h0m0s'],
    [61 * M + S, '1h1m1s'],
    // Go prints sub-second durations in ms/µs/ns, never as a fraction of a second.
    [500, '500ms'],
    [1, '1ms'],
  ])('%d ms is %j', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });

  it.each<number>([S, 90 * S, H + 30 * M, 24 * H, 876_600 * H, 61 * M + S])('round-trips %d ms through parseGoDuration', (ms) => {
    expect(parseGoDuration(formatGoDuration(ms))).toBe(ms);
  });
});
