/** PostgreSQL's unique_violation SQLSTATE. */
const UNIQUE_VIOLATION = '23505';

interface PgErrorFields {
  code?: string;
  constraint?: string;
}

/** The PostgreSQL error fields of a failed query: TypeORM wraps them in driverError, pg does not. */
function pgFields(err: unknown): PgErrorFields | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as PgErrorFields & { driverError?: PgErrorFields };
  return e.driverError ?? e;
}

/**
 * Whether `err` is a unique violation (of `constraint`, when given): the database deciding a race
 * that a check before the insert cannot, which the caller answers with a 409 or a 400.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgFields(err);
  return e?.code === UNIQUE_VIOLATION && (constraint === undefined || e.constraint === constraint);
}

/** The constraint a unique violation names ('' when it names none), or undefined for any other error. */
export function violatedConstraint(err: unknown): string | undefined {
  const e = pgFields(err);
  return e?.code === UNIQUE_VIOLATION ? (e.constraint ?? '') : undefined;
}
