import { expect } from '@jest/globals';
import type { Response } from 'supertest';

/**
 * Coder's error body: {message, detail?, validations?: [{field, detail}]}, nothing else. `status` may
 * list several acceptable codes; `message` is exact (string) or a pattern.
 */
export function expectErrorBody(res: Response, status: number | number[], message?: string | RegExp): void {
  const allowed = Array.isArray(status) ? status : [status];
  // Status and body together, so a failure shows what the server actually said.
  expect({ status: res.status, body: res.body }).toMatchObject({
    status: allowed.includes(res.status) ? res.status : allowed[0],
    body: { message: expect.any(String) },
  });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(res.body)) expect(['message', 'detail', 'validations']).toContain(key);
  if (res.body.detail !== undefined) expect(typeof res.body.detail).toBe('string');
  if (res.body.validations !== undefined) {
    expect(Array.isArray(res.body.validations)).toBe(true);
    for (const v of res.body.validations) expect(v).toEqual({ field: expect.any(String), detail: expect.any(String) });
  }
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else if (message) expect(res.body.message).toMatch(message);
}
