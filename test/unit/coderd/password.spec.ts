// Password strength (Coder: >= 52 bits estimated entropy, <= 64 characters) and argon2id hashing.
import { describe, expect, it } from '@jest/globals';
import {
  MAX_PASSWORD_LENGTH,
  hashPassword,
  passwordEntropy,
  passwordMatches,
  passwordProblem,
} from '#coderd/users/password.js';

const STRONG = 'Correct-Horse-Battery-9';

describe('passwordProblem', () => {
  it.each<string>([
    STRONG,
    'MyS3cure!Passw0rd',
    'Tr0ub4dor&3x',
    'correcthorsebatterystaple',
    'zX9#qL2$wE7&',
    'Aa1!'.repeat(16), // exactly the maximum length
  ])('accepts %j', (password) => {
    expect(passwordProblem(password)).toBeUndefined();
    expect(passwordEntropy(password)).toBeGreaterThanOrEqual(52);
  });

  it.each<string>([
    '',
    'password',
    'Password1',
    'Ab1!',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'abcdefghijklmnopqrstuvwxyz',
    '12345678901234567890',
    'qwertyuiopqwertyuiop',
    'asdfghjklasdfghjkl',
    '1111111111111111111111111111111111111111',
  ])('refuses weak %j', (password) => {
    const problem = passwordProblem(password);
    expect(problem).toMatch(/^Insecure password, try .*using a longer password\.$/);
    expect(passwordEntropy(password)).toBeLessThan(52);
  });

  it('suggests the character classes the password lacks', () => {
    const problem = passwordProblem('password')!;
    expect(problem).toContain('using uppercase letters');
    expect(problem).toContain('using numbers');
    expect(problem).toContain('including more special characters');
    expect(problem).not.toContain('using lowercase letters');
  });

  it('runs of one character count for two characters only', () => {
    expect(passwordEntropy('a'.repeat(40))).toBe(passwordEntropy('aa'));
  });

  it('keyboard and alphabet sequences count for two characters only', () => {
    expect(passwordEntropy('qwertyuiop')).toBe(passwordEntropy('qw'));
    expect(passwordEntropy('abcdefgh')).toBe(passwordEntropy('ab'));
  });

  it(`refuses more than ${MAX_PASSWORD_LENGTH} characters, even when strong`, () => {
    const tooLong = 'Aa1!'.repeat(16) + 'x';
    expect(tooLong).toHaveLength(65);
    expect(passwordProblem(tooLong)).toBe('Password must be at most 64 characters.');
  });

  it('the maximum is 64', () => {
    expect(MAX_PASSWORD_LENGTH).toBe(64);
  });
});

describe('hashPassword / passwordMatches', () => {
  it('hashes with argon2id (OWASP parameters) and never contains the password', async () => {
    const hashed = await hashPassword(STRONG);
    expect(hashed.startsWith('$argon2id$')).toBe(true);
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hashed).not.toContain(STRONG);
    expect(hashed).not.toContain(Buffer.from(STRONG).toString('base64').replace(/=+$/, ''));
  });

  it('round-trips: the right password matches, others do not', async () => {
    const hashed = await hashPassword(STRONG);
    await expect(passwordMatches(hashed, STRONG)).resolves.toBe(true);
    await expect(passwordMatches(hashed, STRONG.toLowerCase())).resolves.toBe(false);
    await expect(passwordMatches(hashed, STRONG + ' ')).resolves.toBe(false);
    await expect(passwordMatches(hashed, '')).resolves.toBe(false);
  });

  it('salts: the same password hashes differently each time, and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword(STRONG), hashPassword(STRONG)]);
    expect(a).not.toBe(b);
    await expect(passwordMatches(a, STRONG)).resolves.toBe(true);
    await expect(passwordMatches(b, STRONG)).resolves.toBe(true);
  });

  it.each<[string, string]>([
    ['an empty hash (user without a password)', ''],
    ['a malformed hash', 'not-a-hash'],
    ['a truncated argon2 hash', '$argon2id$v=19$m=19456,t=2,p=1$'],
  ])('never matches %s and does not throw', async (_name, hashed) => {
    await expect(passwordMatches(hashed, STRONG)).resolves.toBe(false);
  });
});
