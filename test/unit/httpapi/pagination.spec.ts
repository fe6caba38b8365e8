// Coder's limit/offset/after_id query parameters.
import { describe, expect, it } from '@jest/globals';
import { ApiError } from '#httpapi/api-error.js';
import { parsePagination, type Pagination } from '#httpapi/pagination.js';

const UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
type Opts = Parameters<typeof parsePagination>[1];

const q = (query: Record<string, unknown>) => ({ headers: {}, query });

function failure(query: Record<string, unknown>, opts?: Opts): ApiError {
  try {
    parsePagination(q(query), opts);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(query)} to be rejected`);
}

describe('parsePagination', () => {
  it.each<[string, Record<string, unknown>, Opts, Pagination]>([
    ['no parameters: no limit, no offset', {}, undefined, { limit: 0, offset: 0, afterId: undefined }],
    ['no parameters with a default limit', {}, { defaultLimit: 100 }, { limit: 100, offset: 0, afterId: undefined }],
    ['limit and offset', { limit: '25', offset: '50' }, undefined, { limit: 25, offset: 50, afterId: undefined }],
    ['explicit limit overrides the default', { limit: '7' }, { defaultLimit: 100 }, { limit: 7, offset: 0, afterId: undefined }],
    ['limit=0 is allowed', { limit: '0' }, { defaultLimit: 100 }, { limit: 0, offset: 0, afterId: undefined }],
    ['empty values fall back to defaults', { limit: '', offset: '', after_id: '' }, { defaultLimit: 10 }, { limit: 10, offset: 0, afterId: undefined }],
    ['after_id cursor', { after_id: UUID }, undefined, { limit: 0, offset: 0, afterId: UUID }],
    ['after_id with offset=0 is fine', { after_id: UUID, offset: '0' }, undefined, { limit: 0, offset: 0, afterId: UUID }],
    ['limit at the maximum', { limit: '50' }, { maxLimit: 50 }, { limit: 50, offset: 0, afterId: undefined }],
    ['largest 32-bit limit', { limit: String(2 ** 31 - 1) }, undefined, { limit: 2 ** 31 - 1, offset: 0, afterId: undefined }],
    ['first value of a repeated parameter', { limit: ['3', '4'] }, undefined, { limit: 3, offset: 0, afterId: undefined }],
  ])('%s', (_name, query, opts, expected) => {
    expect(parsePagination(q(query), opts)).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, Opts, string[]]>([
    ['negative limit', { limit: '-1' }, undefined, ['limit']],
    ['non-numeric limit', { limit: 'ten' }, undefined, ['limit']],
    ['fractional limit', { limit: '1.5' }, undefined, ['limit']],
    ['limit beyond 32 bits', { limit: String(2 ** 31) }, undefined, ['limit']],
    ['negative offset', { offset: '-5' }, undefined, ['offset']],
    ['hex offset', { offset: '0x10' }, undefined, ['offset']],
    ['after_id not a UUID', { after_id: 'not-a-uuid' }, undefined, ['after_id']],
    ['limit above the maximum', { limit: '51' }, { maxLimit: 50 }, ['limit']],
    ['every bad field is reported at once', { limit: 'x', offset: 'y', after_id: 'z' }, undefined, ['limit', 'offset', 'after_id']],
  ])('rejects %s with 400 naming the field', (_name, query, opts, fields) => {
    const err = failure(query, opts);
    expect(err.status).toBe(400);
    expect(err.message).toBe('Query parameters have invalid values.');
    expect(err.validations?.map((v) => v.field)).toEqual(fields);
    for (const v of err.validations ?? []) expect(v.detail).toMatch(/\S/);
  });

  it('refuses after_id together with a non-zero offset', () => {
    const err = failure({ after_id: UUID, offset: '10' });
    expect(err.status).toBe(400);
    expect(err.message).toBe('Cannot use both after_id and offset pagination in the same request.');
  });
});
