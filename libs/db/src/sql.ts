/**
 * A timestamptz as RFC 3339 text in UTC with microseconds, as Coder (Go) writes times. Formatting in
 * PostgreSQL spares the API a Date parse and re-format per value on list endpoints.
 */
export function isoTimestamp(expr: string): string {
  return `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * ` LIMIT n OFFSET m` with the numbers inlined (0 means none). A named prepared statement is soon
 * planned generically, and a generic plan cannot see a parameter LIMIT: it may then walk the sort
 * index and filter every row, where the real LIMIT would pick the few matching rows and sort them.
 */
export function limitOffset(limit: number, offset: number): string {
  for (const n of [limit, offset]) {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`limitOffset: ${n} is not a non-negative integer`);
  }
  return `${limit > 0 ? ` LIMIT ${limit}` : ''}${offset > 0 ? ` OFFSET ${offset}` : ''}`;
}

/** An ILIKE pattern matching values that contain `s` literally (its `%`, `_` and `\` escaped). */
export function containsPattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
