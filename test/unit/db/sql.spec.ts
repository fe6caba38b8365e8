// SQL fragments shared by the repositories.
import { describe, expect, it } from '@jest/globals';
import { containsPattern, isoTimestamp, limitOffset } from '#db/sql.js';

describe('limitOffset', () => {
  it.each<[number, number, string]>([
    [0, 0, ''],
    [25, 0, ' LIMIT 25'],
    [0, 50, ' OFFSET 50'],
    [25, 50, ' LIMIT 25 OFFSET 50'],
  ])('limit %d, offset %d -> %j', (limit, offset, sql) => {
    expect(limitOffset(limit, offset)).toBe(sql);
  });

  // The numbers are inlined into SQL, so anything but a plain integer is a programming error.
  it.each<[number, number]>([
    [-1, 0],
    [0, -5],
    [1.5, 0],
    [Number.NaN, 0],
    [0, Number.POSITIVE_INFINITY],
    [2 ** 53, 0],
  ])('refuses limit %d, offset %d', (limit, offset) => {
    expect(() => limitOffset(limit, offset)).toThrow('is not a non-negative integer');
  });
});

describe('isoTimestamp', () => {
  it('formats in UTC with microseconds, as Go does', () => {
    expect(isoTimestamp('u.created_at')).toBe(`to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
  });
});

describe('containsPattern', () => {
  it.each<[string, string]>([
    ['dev', '%dev%'],
    ['50%', '%50\\%%'],
    ['a_b', '%a\\_b%'],
    ['back\\slash', '%back\\\\slash%'],
  ])('%j matches itself literally: %j', (input, pattern) => {
    expect(containsPattern(input)).toBe(pattern);
  });
});
