import { describe, expect, it } from '@jest/globals';
import { AUDIT_RESOURCE_TYPES } from '#coderd/audit/auditor.js';
import { auditDiff } from '#enterprise/logs/audit/audit-diff.js';
import { AUDIT_TABLE } from '#enterprise/logs/audit/audit-table.js';
import { auditDescription } from '#enterprise/logs/audit/audit-log.mapper.js';

describe('audit diff', () => {
  const marks = AUDIT_TABLE.user;

  it('shows changed tracked fields with old and new, drops unchanged and unmarked ones', () => {
    const before = { username: 'a', name: 'A', id: 'x', updated_at: '1', rbac_roles: ['auditor'] };
    const after = { username: 'b', name: 'A', id: 'y', updated_at: '2', rbac_roles: ['auditor'] };
    expect(auditDiff(marks, before, after)).toEqual({ username: { old: 'a', new: 'b', secret: false } });
  });

  it('blanks secrets: only that they changed is shown', () => {
    expect(auditDiff(marks, { hashed_password: 'h1' }, { hashed_password: 'h2' })).toEqual({ hashed_password: { old: '', new: '', secret: true } });
    expect(auditDiff(marks, { hashed_password: 'h1' }, { hashed_password: 'h1' })).toEqual({});
  });

  it('a create has no old side, a delete no new side; dates become RFC 3339 text; arrays compare by value', () => {
    expect(auditDiff(AUDIT_TABLE.license, undefined, { exp: new Date('2027-01-01T00:00:00Z'), jwt: 'token' })).toEqual({
      exp: { old: null, new: '2027-01-01T00:00:00.000Z', secret: false },
    });
    expect(auditDiff(marks, { rbac_roles: ['a'] }, undefined)).toEqual({ rbac_roles: { old: ['a'], new: null, secret: false } });
    expect(auditDiff(marks, { rbac_roles: ['a'] }, { rbac_roles: ['a'] })).toEqual({});
  });

  it('every audited resource type has a table entry', () => {
    for (const t of AUDIT_RESOURCE_TYPES) expect(Object.keys(AUDIT_TABLE[t]).length).toBeGreaterThan(0);
  });

  it('describes rows as Coder does', () => {
    expect(auditDescription({ action: 'write', resource_type: 'workspace', status_code: 200 })).toBe('{user} updated workspace {target}');
    expect(auditDescription({ action: 'write', resource_type: 'workspace', status_code: 403 })).toBe('{user} unsuccessfully attempted to write workspace {target}');
    expect(auditDescription({ action: 'login', resource_type: 'api_key', status_code: 201 })).toBe('{user} logged in');
    expect(auditDescription({ action: 'start', resource_type: 'workspace_build', status_code: 201 })).toBe('{user} started workspace {target}');
  });
});
