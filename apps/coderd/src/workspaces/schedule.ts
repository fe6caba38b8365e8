// Coder's workspace scheduling rules, as pure functions:
// - the weekly autostart schedule `[CRON_TZ=<zone> ]<minute> <hour> * * <day-of-week>`: Coder's
//   cron.Weekly (coderd/schedule/cron/cron.go) on top of robfig/cron v3's parser, with the same messages;
// - when such a schedule next fires, as robfig's SpecSchedule.Next computes it;
// - the ttl_ms bounds (validWorkspaceTTLMillis) and the deadline rules of PUT /workspaces/{id}/extend
//   (validWorkspaceDeadline and putExtendWorkspace), both in coderd/workspaces.go.
// Time zones come from Intl, so no zone database is shipped.

export interface WeeklySchedule {
  /** The schedule exactly as given: Coder stores the request's string verbatim. */
  spec: string;
  /** The zone's name as given after CRON_TZ=, or "UTC" without one (Go's Location.String()). */
  timezone: string;
  /** Sorted, distinct values; a field can be empty (`,`), and then the schedule never fires. */
  minute: number[];
  hour: number[];
  /** 0 = Sunday .. 6 = Saturday; robfig does not take 7 for Sunday. */
  daysOfWeek: number[];
}

/** A schedule Coder would reject (its message is Coder's error text) or one that never fires. */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

/** A robfig parse error; Coder wraps these in "parse schedule: ...". */
class CronSyntaxError extends Error {}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

// ---------------------------------------------------------------------------------------------------
// Parsing

const TZ_PREFIX = 'CRON_TZ=';
const LOCAL = 'Local';

/** Go's unicode.IsSpace, which strings.Fields and strings.TrimSpace split and trim on. */
const GO_SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const GO_SPACES = new RegExp(`${GO_SPACE}+`, 'u');
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, 'gu');

function goFields(s: string): string[] {
  return s.split(GO_SPACES).filter((f) => f !== '');
}

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DAYS_OF_MONTH: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: Object.fromEntries(MONTH_NAMES.map((n, i) => [n, i + 1])) };
const DAYS_OF_WEEK: Bounds = { min: 0, max: 6, names: Object.fromEntries(DAY_NAMES.map((n, i) => [n, i])) };

/**
 * Coder's validateWeeklySpec. It looks at the raw fields before robfig does: with six it drops the
 * first (assumed to be CRON_TZ=...), then day-of-month and month must be exactly `*`.
 */
function weeklyShapeProblem(spec: string): string | null {
  let parts = goFields(spec);
  if (parts.length < 5) return 'expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix';
  if (parts.length === 6) parts = parts.slice(1);
  if (parts[2] !== '*' || parts[3] !== '*') return 'expected day-of-month and month to be *';
  return null;
}

const INT64_MAX = 2n ** 63n - 1n;

/** strconv.Atoi plus robfig's refusal of negatives (robfig's mustParseInt). */
function parseUint(expr: string): number {
  const atoi = `strconv.Atoi: parsing ${JSON.stringify(expr)}`;
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new CronSyntaxError(`failed to parse int from ${expr}: ${atoi}: invalid syntax`);
  const n = BigInt(expr);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw new CronSyntaxError(`failed to parse int from ${expr}: ${atoi}: value out of range`);
  if (n < 0n) throw new CronSyntaxError(`negative number (${n}) not allowed: ${expr}`);
  return Number(n);
}

/** Names (case-insensitive, three letters) are robfig's for months and days of the week only. */
function parseIntOrName(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  return named ?? parseUint(expr);
}

/** The start and end of `a`, `a-b`, `*` or `?` (robfig ignores anything after a star's hyphen). */
function parseSpan(span: string, b: Bounds, expr: string): [number, number] {
  const lowAndHigh = span.split('-');
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') return [b.min, b.max];
  const start = parseIntOrName(lowAndHigh[0], b);
  if (lowAndHigh.length === 1) return [start, start];
  if (lowAndHigh.length === 2) return [start, parseIntOrName(lowAndHigh[1], b)];
  throw new CronSyntaxError(`too many hyphens: ${expr}`);
}

/** robfig's getRange: `number | number "-" number [ "/" number ]`, where `N/step` means `N-max/step`. */
function parseRange(expr: string, b: Bounds): number[] {
  const rangeAndStep = expr.split('/');
  const [start, spanEnd] = parseSpan(rangeAndStep[0], b, expr);
  let end = spanEnd;
  if (rangeAndStep.length > 2) throw new CronSyntaxError(`too many slashes: ${expr}`);
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseUint(rangeAndStep[1]);
    if (!rangeAndStep[0].includes('-')) end = b.max;
  }
  if (start < b.min) throw new CronSyntaxError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronSyntaxError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
  const out: number[] = [];
  for (let v = start; v <= end; v += step) out.push(v);
  return out;
}

/** A comma-separated list of ranges; empty items are dropped, as robfig's strings.FieldsFunc does. */
function parseField(field: string, b: Bounds): number[] {
  const values = new Set<number>();
  for (const expr of field.split(',').filter((e) => e !== '')) for (const v of parseRange(expr, b)) values.add(v);
  return [...values].sort((x, y) => x - y);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per zone; undefined when Intl does not know the zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return undefined;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Go's time.LoadLocation. Intl matches zone names case-insensitively, Go's zoneinfo lookup does not,
 * so a name that differs from Intl's canonical one only in case is unknown, as it is to Go.
 */
function loadLocation(name: string): string {
  if (name === '' || name === 'UTC') return 'UTC';
  if (name === LOCAL) return LOCAL;
  const bad = (why: string) => new CronSyntaxError(`provided bad location ${name}: ${why}`);
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) throw bad('time: invalid location name');
  // Newer Intl takes offsets ("+05:30") as zones; Go's zoneinfo has no such names.
  const canonical = /^[+-]/.test(name) ? undefined : formatterFor(name)?.resolvedOptions().timeZone;
  if (canonical === undefined || (canonical !== name && canonical.toLowerCase() === name.toLowerCase())) {
    throw bad(`unknown time zone ${name}`);
  }
  return name;
}

/** robfig's Parser.Parse for Minute|Hour|Dom|Month|Dow (no descriptors); `spec` starts with CRON_TZ=. */
function parseCron(spec: string): { zone: string; minute: number[]; hour: number[]; daysOfWeek: number[] } {
  // robfig cuts the zone name at the first ASCII space (Go would panic without one; we report the zone).
  const space = spec.indexOf(' ');
  const zone = loadLocation(spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space));
  const rest = space < 0 ? '' : spec.slice(space).replace(GO_TRIM, '');
  if (rest.startsWith('@')) throw new CronSyntaxError(`parser does not accept descriptors: ${rest}`);
  const fields = goFields(rest);
  if (fields.length !== 5) throw new CronSyntaxError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  // Every field is parsed, in order, so the first bad one is reported (day-of-month and month are `*`).
  const minute = parseField(fields[0], MINUTES);
  const hour = parseField(fields[1], HOURS);
  parseField(fields[2], DAYS_OF_MONTH);
  parseField(fields[3], MONTHS);
  const daysOfWeek = parseField(fields[4], DAYS_OF_WEEK);
  return { zone, minute, hour, daysOfWeek };
}

/** Coder's cron.Weekly: parses and validates; throws ScheduleError with Coder's error text. */
export function parseWeeklySchedule(spec: string): WeeklySchedule {
  const shape = weeklyShapeProblem(spec);
  if (shape) throw new ScheduleError(`validate weekly schedule: ${shape}`);
  // Without a zone Coder pins UTC, so robfig never falls back to the server's local zone.
  const zoned = spec.startsWith(TZ_PREFIX) ? spec : `${TZ_PREFIX}UTC ${spec}`;
  let parsed: ReturnType<typeof parseCron>;
  try {
    parsed = parseCron(zoned);
  } catch (err) {
    if (err instanceof CronSyntaxError) throw new ScheduleError(`parse schedule: ${err.message}`);
    throw err;
  }
  if (parsed.zone === LOCAL) throw new ScheduleError('schedules scoped to time.Local are not supported');
  return { spec, timezone: parsed.zone, minute: parsed.minute, hour: parsed.hour, daysOfWeek: parsed.daysOfWeek };
}

// ---------------------------------------------------------------------------------------------------
// Next firing time
//
// robfig walks the zone's clock in real time, so its schedule fires at every instant whose local
// minute, hour and weekday match: a wall time skipped by a DST change does not fire that day (robfig's
// "2am nightly job (skipped)"), and one repeated by the change fires at both instants ("runs twice").
// Here each local day's candidate wall times are mapped to the instants that show them.

/** Real offsets lie within -12h..+14h, so a local day starts no earlier than this before its wall midnight. */
const MAX_OFFSET_MS = 14 * HOUR_MS;
/** A week, plus one more when that week's only slot falls into a DST gap. */
const SEARCH_DAYS = 15;

/** The zone's wall clock at `ms`, expressed as if that wall clock were UTC (whole seconds). */
function wallClockMs(f: Intl.DateTimeFormat, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
}

/** The zone's offset from UTC at `ms`, in ms. */
function offsetAt(f: Intl.DateTimeFormat, ms: number): number {
  return wallClockMs(f, ms) - Math.floor(ms / 1000) * 1000;
}

/** The offsets in force around one local day: `before` until the instant `at`, `after` from then on. */
interface OffsetShift {
  before: number;
  after: number;
  at: number;
}

/** Zones change offset at most once in a few days, so one transition (if any) is searched for. */
function shiftAround(f: Intl.DateTimeFormat, wallMidnight: number): OffsetShift {
  let lo = wallMidnight - DAY_MS;
  let hi = wallMidnight + 2 * DAY_MS;
  const before = offsetAt(f, lo);
  const after = offsetAt(f, hi);
  if (before === after) return { before, after, at: Infinity };
  // Bisect to the first millisecond with the new offset.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(f, mid) === before) lo = mid;
    else hi = mid;
  }
  return { before, after, at: hi };
}

/** The instants showing `wall` on the zone's clock: none in a DST gap, two in an overlap. */
function instantsOf(wall: number, shift: OffsetShift): number[] {
  const out: number[] = [];
  if (wall - shift.before < shift.at) out.push(wall - shift.before);
  if (shift.after !== shift.before && wall - shift.after >= shift.at) out.push(wall - shift.after);
  return out;
}

/** Every instant at which `s` fires during the local day starting at `wallMidnight`. */
function firingsOn(s: WeeklySchedule, f: Intl.DateTimeFormat, wallMidnight: number): number[] {
  const shift = shiftAround(f, wallMidnight);
  const out: number[] = [];
  for (const h of s.hour) {
    for (const m of s.minute) out.push(...instantsOf(wallMidnight + h * HOUR_MS + m * MINUTE_MS, shift));
  }
  return out;
}

/**
 * The first time strictly after `after` at which the schedule fires, on whole minutes (robfig's Next).
 * Throws ScheduleError if it never fires (robfig returns Go's zero time), e.g. an empty field.
 */
export function nextAfter(s: WeeklySchedule, after: Date): Date {
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('nextAfter: invalid date');
  const f = formatterFor(s.timezone);
  if (!f) throw new ScheduleError(`unknown time zone ${s.timezone}`);
  const today = Math.floor(wallClockMs(f, afterMs) / DAY_MS) * DAY_MS;
  let best: number | null = null;
  // Start a day early: a clock set back over midnight revisits the previous local date.
  for (let d = -1; d <= SEARCH_DAYS; d++) {
    const wallMidnight = today + d * DAY_MS;
    if (best !== null && wallMidnight - MAX_OFFSET_MS > best) break;
    if (!s.daysOfWeek.includes(new Date(wallMidnight).getUTCDay())) continue;
    for (const at of firingsOn(s, f, wallMidnight)) if (at > afterMs && (best === null || at < best)) best = at;
  }
  if (best === null) throw new ScheduleError(`the schedule ${JSON.stringify(s.spec)} never fires`);
  return new Date(best);
}

// ---------------------------------------------------------------------------------------------------
// TTL and deadline extension (coderd/workspaces.go)

const TTL_MIN_MS = MINUTE_MS;
const TTL_MAX_MS = 30 * DAY_MS;
/** Coder checks 29 minutes (a minute of slack for the request) though its message says 30. */
const EXTEND_MIN_AHEAD_MS = 29 * MINUTE_MS;

/** Go's Duration.Truncate(time.Minute): toward zero, as Go's % (and JS's) is. */
function truncateToMinute(ms: number): number {
  return ms - (ms % MINUTE_MS);
}

/**
 * Coder's validWorkspaceTTLMillis: undefined, null and 0 mean no autostop; otherwise the value,
 * truncated to whole minutes, must lie in [1 minute, 30 days]. Returns Coder's message or null.
 * Non-numbers (NaN) fail the lower bound; Coder's JSON decoding only lets integers this far.
 */
export function validateTtlMs(ttlMs: number | null | undefined): string | null {
  if (ttlMs === null || ttlMs === undefined || ttlMs === 0) return null;
  const truncated = truncateToMinute(ttlMs);
  if (!(truncated >= TTL_MIN_MS)) return 'time until shutdown must be at least one minute';
  if (truncated > TTL_MAX_MS) return 'time until shutdown must be less than 30 days';
  return null;
}

/** The TTL Coder stores for a valid ttl_ms: truncated to whole minutes, or null for no autostop. */
export function truncateTtlMs(ttlMs: number | null | undefined): number | null {
  return ttlMs === null || ttlMs === undefined || ttlMs === 0 ? null : truncateToMinute(ttlMs);
}

/**
 * Coder's rules for PUT /workspaces/{id}/extend, in its order: at least 29 minutes from `now`, not
 * before the build's job completed (`startedAt`, when known), not after a non-zero max deadline.
 * Returns the whole 400 response message Coder sends (it puts it in `message`, with no validations),
 * or null. Coder's earlier 409s (not started, still building, manual shutdown) are the caller's.
 */
export function validateExtension(newDeadline: Date, now: Date, maxDeadline: Date | null, startedAt: Date | null = null): string | null {
  const deadline = newDeadline.getTime();
  if (deadline < now.getTime() + EXTEND_MIN_AHEAD_MS) return 'Cannot extend workspace: new deadline must be at least 30 minutes in the future';
  // Coder's message reads inverted, but it is the one sent.
  if (startedAt && deadline < startedAt.getTime()) return 'Cannot extend workspace: new deadline must be before workspace start time';
  if (maxDeadline && deadline > maxDeadline.getTime()) return 'Cannot extend workspace beyond max deadline.';
  return null;
}
