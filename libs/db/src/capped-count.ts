/**
 * Counting that stays fast on large tables, as Coder's audit and connection logs do: the count stops
 * after `COUNT_CAP + 1` matching rows, so a filter matching millions of rows costs as much as one
 * matching two thousand. Responses carry `count_cap`; a `count` above it means "more than the cap".
 */
export const COUNT_CAP = 2000;

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * The number of rows `fromWhere` (an SQL tail: `FROM ... WHERE ...`) yields, up to `cap + 1`.
 * Only the rows are probed (`SELECT 1`), so the count can use an index-only scan where one fits.
 */
export async function cappedCount(db: Queryable, fromWhere: string, params: unknown[], cap = COUNT_CAP): Promise<number> {
  const rows = (await db.query(`SELECT count(*)::int AS n FROM (SELECT 1 ${fromWhere} LIMIT ${cap + 1}) capped`, params)) as Array<{ n: number }>;
  return rows[0].n;
}
