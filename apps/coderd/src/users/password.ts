import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_ENTROPY_BITS = 52;
export const MAX_PASSWORD_LENGTH = 64;

const CLASSES: Array<{ chars: string; hint: string }> = [
  { chars: 'abcdefghijklmnopqrstuvwxyz', hint: 'using lowercase letters' },
  { chars: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', hint: 'using uppercase letters' },
  { chars: '0123456789', hint: 'using numbers' },
  { chars: '!@$&*_-., "#%\'()+/:;<=>?[\\]^{|}~`', hint: 'including more special characters' },
];
const SEQUENCES = ['0123456789', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abcdefghijklmnopqrstuvwxyz'];

/**
 * Coder's rule: at least 52 bits of estimated entropy and at most 64 characters. Entropy is
 * length x log2(alphabet size), where runs of a repeated character or of a keyboard/alphabet
 * sequence count for two characters only (so "aaaaaaaa" and "12345678" are weak).
 */
export function passwordProblem(password: string): string | undefined {
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (passwordEntropy(password) >= MIN_PASSWORD_ENTROPY_BITS) return undefined;
  const missing = CLASSES.filter((c) => ![...password].some((ch) => c.chars.includes(ch))).map((c) => c.hint);
  return `Insecure password, try ${[...missing, 'using a longer password'].join(', ')}.`;
}

export function passwordEntropy(password: string): number {
  let base = 0;
  const seen = new Set<string>();
  for (const c of CLASSES) if ([...password].some((ch) => c.chars.includes(ch))) base += c.chars.length;
  for (const ch of password) if (!CLASSES.some((c) => c.chars.includes(ch))) seen.add(ch);
  base += seen.size;
  const length = effectiveLength(password);
  return base === 0 ? 0 : length * Math.log2(base);
}

function effectiveLength(password: string): number {
  const chars = [...password.toLowerCase()];
  let length = 0;
  let run = 0;
  for (let i = 0; i < chars.length; i++) {
    const prev = chars[i - 1];
    const continues =
      prev !== undefined && (prev === chars[i] || SEQUENCES.some((s) => s.indexOf(prev) >= 0 && s[s.indexOf(prev) + 1] === chars[i]));
    run = continues ? run + 1 : 1;
    if (run <= 2) length++;
  }
  return length;
}

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's recommendation). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function passwordMatches(hashed: string, password: string): Promise<boolean> {
  if (!hashed) return false;
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}
