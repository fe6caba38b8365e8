// Unique violations as TypeORM (driverError) and pg (bare) report them, by constraint or any.
import { describe, expect, it } from '@jest/globals';
import { isUniqueViolation, violatedConstraint } from '#db/pg-errors.js';

const bare = { code: '23505', constraint: 'users_email_idx' };
const wrapped = { message: 'duplicate key', driverError: bare };
const other = { driverError: { code: '23514', constraint: 'users_email_idx' } };

describe('unique violations', () => {
  it('recognises both shapes, with or without a constraint name', () => {
    expect([isUniqueViolation(bare), isUniqueViolation(wrapped)]).toEqual([true, true]);
    expect(isUniqueViolation(wrapped, 'users_email_idx')).toBe(true);
    expect(isUniqueViolation(wrapped, 'users_username_idx')).toBe(false);
    expect(isUniqueViolation({ code: '23505' }, 'x')).toBe(false);
  });

  it('is false for other errors and for things that are not errors', () => {
    for (const e of [other, new Error('boom'), null, undefined, 'text', 42]) expect(isUniqueViolation(e)).toBe(false);
  });

  it('names the violated constraint, or "" when the error names none', () => {
    expect(violatedConstraint(wrapped)).toBe('users_email_idx');
    expect(violatedConstraint({ code: '23505' })).toBe('');
    expect(violatedConstraint(other)).toBeUndefined();
  });
});
