// Coder's workspace schedules: the weekly autostart cron (cron.Weekly over robfig/cron v3), its next
// firing time across zones and DST changes, the ttl_ms bounds and the extend-deadline rules.
import { describe, expect, it } from '@jest/globals';
import {
  nextAfter,
  parseWeeklySchedule,
  ScheduleError,
  truncateTtlMs,
  validateExtension,
  validateTtlMs,
  type WeeklySchedule,
} from '#coderd/workspaces/schedule.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ALL_HOURS = Array.from({ length: 24 }, (_, i) => i);
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];

function failure(spec: string): ScheduleError {
  try {
    parseWeeklySchedule(spec);
  } catch (err) {
    if (err instanceof ScheduleError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(spec)} to be rejected`);
}

function next(spec: string, after: string): string {
  return nextAfter(parseWeeklySchedule(spec), new Date(after)).toISOString();
}

/** Successive firings, each strictly after the one before. */
function firings(spec: string, after: string, count: number): string[] {
  const s = parseWeeklySchedule(spec);
  const out: string[] = [];
  let at = new Date(after);
  for (let i = 0; i < count; i++) {
    at = nextAfter(s, at);
    out.push(at.toISOString());
  }
  return out;
}

describe('parseWeeklySchedule', () => {
  it.each<[string, Omit<WeeklySchedule, 'spec'>]>([
    ['30 9 * * 1-5', { timezone: 'UTC', minute: [30], hour: [9], daysOfWeek: [1, 2, 3, 4, 5] }],
    ['CRON_TZ=US/Central 30 9 * * 1-5', { timezone: 'US/Central', minute: [30], hour: [9], daysOfWeek: [1, 2, 3, 4, 5] }],
    [
      'CRON_TZ=US/Central */5 12-18 * * 1,3,6',
      { timezone: 'US/Central', minute: [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55], hour: [12, 13, 14, 15, 16, 17, 18], daysOfWeek: [1, 3, 6] },
    ],
    ['10,20,40-50 * * * *', { timezone: 'UTC', minute: [10, 20, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50], hour: ALL_HOURS, daysOfWeek: ALL_DAYS }],
    ['CRON_TZ=Asia/Kolkata 0 8 * * MON-FRI', { timezone: 'Asia/Kolkata', minute: [0], hour: [8], daysOfWeek: [1, 2, 3, 4, 5] }],
    ['0 8 * * sat,Sun', { timezone: 'UTC', minute: [0], hour: [8], daysOfWeek: [0, 6] }],
    ['5/15 0-6/3 * * ?', { timezone: 'UTC', minute: [5, 20, 35, 50], hour: [0, 3, 6], daysOfWeek: ALL_DAYS }],
    ['1-10/3 9 * * */2', { timezone: 'UTC', minute: [1, 4, 7, 10], hour: [9], daysOfWeek: [0, 2, 4, 6] }],
    ['0,0,30 09 * * 5,1,5', { timezone: 'UTC', minute: [0, 30], hour: [9], daysOfWeek: [1, 5] }],
    ['1,,2 +9 * * 0', { timezone: 'UTC', minute: [1, 2], hour: [9], daysOfWeek: [0] }],
    // robfig ignores whatever follows a star's hyphen.
    ['0 *-3 * * 1', { timezone: 'UTC', minute: [0], hour: ALL_HOURS, daysOfWeek: [1] }],
    // Go's LoadLocation("") is UTC.
    ['CRON_TZ= 0 9 * * 1', { timezone: 'UTC', minute: [0], hour: [9], daysOfWeek: [1] }],
    ['  0\t9 * *  *  ', { timezone: 'UTC', minute: [0], hour: [9], daysOfWeek: ALL_DAYS }],
  ])('%j is valid', (spec, expected) => {
    expect(parseWeeklySchedule(spec)).toEqual({ spec, ...expected });
  });

  it('keeps an empty field, which never fires', () => {
    const s = parseWeeklySchedule(', 9 * * *');
    expect(s.minute).toEqual([]);
    expect(() => nextAfter(s, new Date('2026-12-06T00:00:00Z'))).toThrow(ScheduleError);
  });

  const SHAPE = 'validate weekly schedule: expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix';
  const STARS = 'validate weekly schedule: expected day-of-month and month to be *';

  it.each<[string, string]>([
    ['', SHAPE],
    ['asdfasdfasdfsd', SHAPE],
    ['30 9 1-5', SHAPE],
    ['CRON_TZ=Fictional/Country 30 9 1-5', SHAPE],
    ['30 9 1 1 1-5', STARS],
    ['30 9 1 * 1-5', STARS],
    ['30 9 * 1 1-5', STARS],
    ['30 9 * JAN *', STARS],
    ['CRON_TZ=Europe/Dublin 30 9 1 1 1-5', STARS],
    // Seven fields are not trimmed, so the checked "day-of-month" is the hour.
    ['CRON_TZ=UTC 0 9 * * * *', STARS],
    ['CRON_TZ=Fictional/Country 30 9 * * 1-5', 'parse schedule: provided bad location Fictional/Country: unknown time zone Fictional/Country'],
    ['CRON_TZ=america/chicago 30 9 * * 1-5', 'parse schedule: provided bad location america/chicago: unknown time zone america/chicago'],
    ['CRON_TZ=+05:30 30 9 * * 1-5', 'parse schedule: provided bad location +05:30: unknown time zone +05:30'],
    ['CRON_TZ=../etc/passwd 30 9 * * 1-5', 'parse schedule: provided bad location ../etc/passwd: time: invalid location name'],
    ['CRON_TZ=Local 30 9 * * 1-5', 'schedules scoped to time.Local are not supported'],
    // Six fields without CRON_TZ pass the shape check, then robfig counts them.
    ['0 9 * * * *', 'parse schedule: expected exactly 5 fields, found 6: [0 9 * * * *]'],
    ['TZ=America/Chicago 30 9 * * 1', 'parse schedule: expected exactly 5 fields, found 6: [TZ=America/Chicago 30 9 * * 1]'],
    ['CRON_TZ=UTC 0 * * 5', 'parse schedule: expected exactly 5 fields, found 4: [0 * * 5]'],
    ['@daily 1 2 * * *', 'parse schedule: parser does not accept descriptors: @daily 1 2 * * *'],
    ['* 9-18 * * 7', 'parse schedule: end of range (7) above maximum (6): 7'],
    ['60 9 * * *', 'parse schedule: end of range (60) above maximum (59): 60'],
    ['0 24 * * *', 'parse schedule: end of range (24) above maximum (23): 24'],
    ['0 9 * * 1-7', 'parse schedule: end of range (7) above maximum (6): 1-7'],
    ['5-1 * * * *', 'parse schedule: beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'parse schedule: step of range should be a positive number: */0'],
    ['*/-1 * * * *', 'parse schedule: negative number (-1) not allowed: -1'],
    ['-5 * * * *', 'parse schedule: failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['x * * * *', 'parse schedule: failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['0 9 * * MONDAY', 'parse schedule: failed to parse int from MONDAY: strconv.Atoi: parsing "MONDAY": invalid syntax'],
    ['0 MON * * *', 'parse schedule: failed to parse int from MON: strconv.Atoi: parsing "MON": invalid syntax'],
    ['99999999999999999999 * * * *', 'parse schedule: failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ['1-2-3 * * * *', 'parse schedule: too many hyphens: 1-2-3'],
    ['1/2/3 * * * *', 'parse schedule: too many slashes: 1/2/3'],
    // The first bad field wins, and robfig's errors come before the time.Local check.
    ['CRON_TZ=Local 99 99 * * 9', 'parse schedule: end of range (99) above maximum (59): 99'],
  ])('%j is rejected', (spec, message) => {
    expect(failure(spec).message).toBe(message);
  });
});

describe('nextAfter', () => {
  it.each<[string, string, string]>([
    // Coder's own cron_test.go cases.
    ['CRON_TZ=US/Central 30 9 * * 1-5', '2022-04-01T14:29:00Z', '2022-04-01T14:30:00.000Z'],
    ['30 9 * * 1-5', '2022-04-01T09:29:00Z', '2022-04-01T09:30:00.000Z'],
    ['CRON_TZ=US/Central */5 12-18 * * 1,3,6', '2022-04-01T14:29:00Z', '2022-04-02T17:00:00.000Z'],
    ['CRON_TZ=US/Central 10,20,40-50 * * * *', '2022-04-01T14:29:00Z', '2022-04-01T14:40:00.000Z'],
  ])('%j after %s is %s', (spec, after, expected) => {
    expect(next(spec, after)).toBe(expected);
  });

  it('is strictly after, on whole minutes', () => {
    expect(next('30 9 * * *', '2026-12-07T09:29:59.999Z')).toBe('2026-12-07T09:30:00.000Z');
    expect(next('30 9 * * *', '2026-12-07T09:30:00.000Z')).toBe('2026-12-08T09:30:00.000Z');
    expect(next('* * * * *', '2026-12-07T09:30:00.001Z')).toBe('2026-12-07T09:31:00.000Z');
  });

  it('crosses a week boundary', () => {
    // 2026-12-07 is a Monday.
    expect(next('0 9 * * 1', '2026-12-12T10:00:00Z')).toBe('2026-12-14T09:00:00.000Z');
    expect(next('0 9 * * MON', '2026-12-07T09:00:00Z')).toBe('2026-12-14T09:00:00.000Z');
    expect(next('59 23 * * SUN', '2026-12-01T00:00:00Z')).toBe('2026-12-06T23:59:00.000Z');
    expect(next('0 0 * * 0', '2026-12-31T23:59:00Z')).toBe('2027-01-03T00:00:00.000Z');
  });

  it('uses the zone’s wall clock and weekday', () => {
    // Chicago is UTC-6 in December: Friday 10:00 local has passed 09:30, so Monday.
    expect(next('CRON_TZ=America/Chicago 30 9 * * 1-5', '2026-12-04T16:00:00Z')).toBe('2026-12-07T15:30:00.000Z');
    expect(next('CRON_TZ=America/Chicago 30 9 * * 1-5', '2026-12-04T15:00:00Z')).toBe('2026-12-04T15:30:00.000Z');
    // Kolkata is UTC+5:30 all year.
    expect(next('CRON_TZ=Asia/Kolkata 0 8 * * *', '2026-06-01T00:00:00Z')).toBe('2026-06-01T02:30:00.000Z');
    expect(next('CRON_TZ=Asia/Kolkata 0 8 * * *', '2026-06-01T03:00:00Z')).toBe('2026-06-02T02:30:00.000Z');
    // Monday 07:00 in Auckland (UTC+13 in December) is still Sunday in UTC.
    expect(next('CRON_TZ=Pacific/Auckland 0 7 * * 1', '2026-12-06T12:00:00Z')).toBe('2026-12-06T18:00:00.000Z');
  });

  describe('Europe/Berlin, spring forward on 2026-03-29 (02:00 CET becomes 03:00 CEST)', () => {
    it('follows the new offset', () => {
      expect(next('CRON_TZ=Europe/Berlin 0 9 * * *', '2026-03-28T12:00:00Z')).toBe('2026-03-29T07:00:00.000Z');
      expect(next('CRON_TZ=Europe/Berlin 0 9 * * *', '2026-03-27T12:00:00Z')).toBe('2026-03-28T08:00:00.000Z');
    });

    it('skips a wall time that does not exist, as robfig does', () => {
      expect(next('CRON_TZ=Europe/Berlin 30 2 * * *', '2026-03-28T12:00:00Z')).toBe('2026-03-30T00:30:00.000Z');
      expect(firings('CRON_TZ=Europe/Berlin 0 * * * *', '2026-03-28T23:30:00Z', 3)).toEqual([
        '2026-03-29T00:00:00.000Z', // 01:00 CET
        '2026-03-29T01:00:00.000Z', // 03:00 CEST
        '2026-03-29T02:00:00.000Z',
      ]);
    });

    it('looks a week further when the only weekly slot falls in the gap', () => {
      expect(next('CRON_TZ=Europe/Berlin 30 2 * * 0', '2026-03-28T12:00:00Z')).toBe('2026-04-05T00:30:00.000Z');
    });
  });

  describe('Europe/Berlin, fall back on 2026-10-25 (03:00 CEST becomes 02:00 CET)', () => {
    it('follows the new offset', () => {
      expect(next('CRON_TZ=Europe/Berlin 0 9 * * *', '2026-10-24T12:00:00Z')).toBe('2026-10-25T08:00:00.000Z');
    });

    it('fires at both instants of a repeated wall time, as robfig does', () => {
      expect(firings('CRON_TZ=Europe/Berlin 30 2 * * *', '2026-10-24T12:00:00Z', 3)).toEqual([
        '2026-10-25T00:30:00.000Z', // 02:30 CEST
        '2026-10-25T01:30:00.000Z', // 02:30 CET
        '2026-10-26T01:30:00.000Z',
      ]);
    });

    it('orders firings by instant across the repeated hour', () => {
      expect(firings('CRON_TZ=Europe/Berlin 15,45 2 * * *', '2026-10-25T00:00:00Z', 5)).toEqual([
        '2026-10-25T00:15:00.000Z',
        '2026-10-25T00:45:00.000Z',
        '2026-10-25T01:15:00.000Z',
        '2026-10-25T01:45:00.000Z',
        '2026-10-26T01:15:00.000Z',
      ]);
    });
  });

  it('matches robfig’s own New York DST table', () => {
    // 2am nightly job (skipped) on 2012-03-11; 1am nightly job runs twice on 2012-11-04.
    expect(next('CRON_TZ=America/New_York 0 2 * * *', '2012-03-11T05:00:00Z')).toBe('2012-03-12T06:00:00.000Z');
    expect(firings('CRON_TZ=America/New_York 0 1 * * *', '2012-11-04T04:00:00Z', 3)).toEqual([
      '2012-11-04T05:00:00.000Z',
      '2012-11-04T06:00:00.000Z',
      '2012-11-05T06:00:00.000Z',
    ]);
  });

  it('handles a change at midnight (America/Santiago, 2026)', () => {
    // 2026-09-06 00:00 does not exist (23:59 -04 is followed by 01:00 -03).
    expect(next('CRON_TZ=America/Santiago 30 0 * * *', '2026-09-05T12:00:00Z')).toBe('2026-09-07T03:30:00.000Z');
    // 2026-04-05 00:00 -03 goes back to Saturday 23:00 -04, so Saturday 23:30 happens twice.
    expect(firings('CRON_TZ=America/Santiago 30 23 * * 6', '2026-04-04T12:00:00Z', 3)).toEqual([
      '2026-04-05T02:30:00.000Z',
      '2026-04-05T03:30:00.000Z',
      '2026-04-12T03:30:00.000Z',
    ]);
  });

  it('names an unknown zone in a hand-built schedule', () => {
    const s: WeeklySchedule = { spec: 'x', timezone: 'Nowhere/Land', minute: [0], hour: [0], daysOfWeek: [0] };
    expect(() => nextAfter(s, new Date())).toThrow(new ScheduleError('unknown time zone Nowhere/Land'));
  });

  it('finds every-minute firings quickly', () => {
    const s = parseWeeklySchedule('CRON_TZ=Europe/Berlin * * * * *');
    const started = performance.now();
    let at = new Date('2026-10-25T00:00:00Z');
    for (let i = 0; i < 200; i++) at = nextAfter(s, at);
    expect(at.toISOString()).toBe('2026-10-25T03:20:00.000Z');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('validateTtlMs', () => {
  const MIN = 'time until shutdown must be at least one minute';
  const MAX = 'time until shutdown must be less than 30 days';

  it.each<[number | null | undefined, string | null]>([
    [undefined, null],
    [null, null],
    [0, null],
    [MINUTE, null],
    [2 * MINUTE - 1, null],
    [8 * HOUR, null],
    [30 * DAY, null],
    // Truncated to whole minutes before the bounds are checked.
    [30 * DAY + MINUTE - 1, null],
    [30 * DAY + MINUTE, MAX],
    [365 * DAY, MAX],
    [MINUTE - 1, MIN],
    [1, MIN],
    [-MINUTE, MIN],
    [Number.NaN, MIN],
  ])('%p is %p', (ttl, message) => {
    expect(validateTtlMs(ttl)).toBe(message);
  });

  it('gives the stored value truncated to minutes', () => {
    expect(truncateTtlMs(90_000)).toBe(MINUTE);
    expect(truncateTtlMs(8 * HOUR + 59_999)).toBe(8 * HOUR);
    expect(truncateTtlMs(0)).toBeNull();
    expect(truncateTtlMs(null)).toBeNull();
    expect(truncateTtlMs(undefined)).toBeNull();
  });
});

describe('validateExtension', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);
  const TOO_SOON = 'Cannot extend workspace: new deadline must be at least 30 minutes in the future';
  const BEYOND_MAX = 'Cannot extend workspace beyond max deadline.';

  it('needs at least 29 minutes from now', () => {
    expect(validateExtension(at(29 * MINUTE), now, null)).toBeNull();
    expect(validateExtension(at(29 * MINUTE - 1), now, null)).toBe(TOO_SOON);
    expect(validateExtension(at(-HOUR), now, null)).toBe(TOO_SOON);
    expect(validateExtension(at(30 * DAY), now, null)).toBeNull();
  });

  it('stops at a max deadline', () => {
    const max = at(8 * HOUR);
    expect(validateExtension(max, now, max)).toBeNull();
    expect(validateExtension(at(8 * HOUR + 1), now, max)).toBe(BEYOND_MAX);
    // Too soon is checked first.
    expect(validateExtension(at(MINUTE), now, at(0))).toBe(TOO_SOON);
  });

  it('refuses a deadline before the build finished', () => {
    const finished = at(2 * HOUR);
    expect(validateExtension(at(HOUR), now, null, finished)).toBe('Cannot extend workspace: new deadline must be before workspace start time');
    expect(validateExtension(finished, now, null, finished)).toBeNull();
  });
});
