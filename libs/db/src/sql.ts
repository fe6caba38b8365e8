/**
 * A timestamptz as RFC 3339 text in UTC with microseconds, as Coder (Go) writes times. Formatting in
 * PostgreSQL spares the API a Date parse and re-format per value on list endpoints.
 */
export function isoTimestamp(expr: string): string {
  return `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
