import type { AuditState } from '#coderd/audit/auditor.js';
import type { FieldMark } from './audit-table.js';

/** One changed field: Coder's `{old, new, secret}` (values blanked when secret). */
export interface AuditFieldChange {
  old: unknown;
  new: unknown;
  secret: boolean;
}

/** A value as the diff shows it: dates as RFC 3339 text, absent as null, buffers never. */
function shown(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return null;
  return v === undefined ? null : v;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The empty value of a secret's kind: what Coder writes in place of it. */
function blank(v: unknown): unknown {
  if (typeof v === 'number') return 0;
  if (typeof v === 'boolean') return false;
  return '';
}

/**
 * The fields `marks` names whose value differs between `before` and `after` (either may be absent:
 * a create or a delete). Unchanged and unmarked fields are left out, secrets are blanked.
 */
export function auditDiff(marks: Record<string, FieldMark>, oldState: AuditState | undefined, newState: AuditState | undefined): Record<string, AuditFieldChange> {
  const before = oldState as Record<string, unknown> | undefined;
  const after = newState as Record<string, unknown> | undefined;
  const diff: Record<string, AuditFieldChange> = {};
  for (const [field, mark] of Object.entries(marks)) {
    const inBefore = before !== undefined && field in before;
    const inAfter = after !== undefined && field in after;
    // A field neither side has (a partial row) is not known to have changed.
    if (!inBefore && !inAfter) continue;
    const o = shown(before?.[field]);
    const n = shown(after?.[field]);
    if (same(o, n)) continue;
    diff[field] = mark === 'secret' ? { old: blank(o), new: blank(n), secret: true } : { old: o, new: n, secret: false };
  }
  return diff;
}
