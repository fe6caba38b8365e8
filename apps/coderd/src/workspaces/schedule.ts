// Coder's workspace schedules (coderd/schedule/cron): a weekly cron `CRON_TZ=<zone> m h * * dow`,
// TTL bounds and deadline extensions. Time zones through Intl, so no zone database is shipped.

export interface WeeklySchedule {
  spec: string;
  timezone: string;
  minute: number[];
  hour: number[];
  /** 0 = Sunday. */
  daysOfWeek: number[];
}

export class ScheduleError extends Error {}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MINUTE_MS = 60_000;
/** Coder's bounds on a workspace TTL. */
const MIN_TTL_MS = MINUTE_MS;
const MAX_TTL_MS = 30 * 24 * 60 * MINUTE_MS;
/** A deadline may be moved to at least this far ahead. */
const MIN_EXTENSION_MS = 29 * MINUTE_MS;

function value(token: string, min: number, max: number, names?: string[]): number {
  const named = names?.indexOf(token.toUpperCase()) ?? -1;
  const n = named >= 0 ? named : /^\d+$/.test(token) ? Number(token) : NaN;
  // 7 is Sunday as well in cron's day of week.
  if (names && n === 7) return 0;
  if (!Number.isInteger(n) || n < min || n > max) throw new ScheduleError(`"${token}" is out of range ${min}-${max}.`);
  return n;
}

/** One cron field: `*`, `a`, `a-b`, lists of those, and `/step`. */
function field(text: string, min: number, max: number, what: string, names?: string[]): number[] {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleError(`Invalid step "${stepText}" in the ${what} field.`);
    let lo = min;
    let hi = names ? 6 : max;
    try {
      if (range !== '*') {
        const [a, b] = range.split('-');
        lo = value(a, min, max, names);
        hi = b === undefined ? (stepText === undefined ? lo : max) : value(b, min, max, names);
      }
    } catch (err) {
      if (err instanceof ScheduleError) throw new ScheduleError(`Invalid ${what} field "${text}": ${err.message}`);
      throw err;
    }
    if (hi < lo) throw new ScheduleError(`Invalid ${what} field "${text}": the range is backwards.`);
    for (let i = lo; i <= hi; i += step) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses Coder's weekly schedule; day of month and month must be `*`. */
export function parseWeeklySchedule(spec: string): WeeklySchedule {
  let rest = spec.trim();
  let timezone = 'UTC';
  const tz = /^CRON_TZ=(\S+)\s+(.*)$/.exec(rest);
  if (tz) {
    timezone = tz[1];
    rest = tz[2];
    if (!validZone(timezone)) throw new ScheduleError(`Unknown time zone "${timezone}".`);
  }
  const fields = rest.split(/\s+/);
  if (fields.length !== 5) throw new ScheduleError(`Expected 5 cron fields (minute hour day-of-month month day-of-week), got ${fields.length}.`);
  const [minute, hour, dom, month, dow] = fields;
  if (dom !== '*' || month !== '*') throw new ScheduleError('Validate weekly schedule: expected day-of-month and month to be "*".');
  return { spec, timezone, minute: field(minute, 0, 59, 'minute'), hour: field(hour, 0, 23, 'hour'), daysOfWeek: field(dow, 0, 7, 'day-of-week', DAY_NAMES) };
}

/** The zone's wall clock at `at`: year, month (1-12), day, hour, minute, weekday. */
function wallClock(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { year: +get('year'), month: +get('month'), day: +get('day'), hour: +get('hour'), minute: +get('minute'), weekday: DAY_NAMES.indexOf(get('weekday').toUpperCase()) };
}

/** The zone's offset from UTC at `at`, in ms. */
function offsetMs(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;
}

/**
 * The instant of a wall-clock time in the zone. A time skipped by a DST change moves forward by the
 * gap (as Go's time.Date); a repeated one takes its first occurrence.
 */
function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const candidates = [...new Set([asUtc - offsetMs(new Date(asUtc - 86_400_000), timeZone), asUtc - offsetMs(new Date(asUtc + 86_400_000), timeZone)])].sort((a, b) => a - b);
  const exact = candidates.filter((c) => {
    const w = wallClock(new Date(c), timeZone);
    return w.hour === hour && w.minute === minute && w.day === day;
  });
  // Both offsets fit: the time repeats, take the first. Neither fits: it was skipped, move forward.
  return new Date(exact.length > 0 ? exact[0] : candidates[candidates.length - 1]);
}

/** The first time strictly after `after` at which the schedule fires. */
export function nextAfter(s: WeeklySchedule, after: Date): Date {
  const start = wallClock(after, s.timezone);
  for (let d = 0; d <= 8; d++) {
    const day = new Date(Date.UTC(start.year, start.month - 1, start.day + d));
    if (!s.daysOfWeek.includes(day.getUTCDay())) continue;
    for (const h of s.hour) {
      for (const m of s.minute) {
        const at = zonedInstant(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), h, m, s.timezone);
        if (at.getTime() > after.getTime()) return at;
      }
    }
  }
  throw new ScheduleError(`The schedule "${s.spec}" never fires.`);
}

/** Coder's TTL rule: none (null) is fine; otherwise between one minute and 30 days. */
export function validateTtlMs(ttlMs: number | null | undefined): string | null {
  if (ttlMs === null || ttlMs === undefined || ttlMs === 0) return null;
  if (!Number.isInteger(ttlMs) || ttlMs < MIN_TTL_MS) return 'time until shutdown must be at least one minute';
  if (ttlMs > MAX_TTL_MS) return 'time until shutdown must be less than 30 days';
  return null;
}

/** Coder's extension rule: at least 29 minutes from now, and not past the build's max deadline. */
export function validateExtension(newDeadline: Date, now: Date, maxDeadline: Date | null): string | null {
  if (newDeadline.getTime() - now.getTime() < MIN_EXTENSION_MS) return 'new deadline must be at least 30 minutes in the future';
  if (maxDeadline && newDeadline.getTime() > maxDeadline.getTime()) return `new deadline is greater than the maximum allowed by the template (${maxDeadline.toISOString()})`;
  return null;
}
