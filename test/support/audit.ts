import { jest } from '@jest/globals';
import { AUDITOR, type AuditEntry, type Auditor } from '#coderd/audit/auditor.js';
import type { TestServer } from './test-server.js';

/**
 * Collects every audit entry the server records from now on (they are still recorded as usual).
 * The returned array is live; empty it between tests with `entries.length = 0`.
 */
export function captureAudits(server: TestServer): AuditEntry[] {
  const entries: AuditEntry[] = [];
  const auditor = server.app.get<Auditor>(AUDITOR);
  const record = auditor.record.bind(auditor);
  jest.spyOn(auditor, 'record').mockImplementation((entry: AuditEntry) => {
    entries.push(entry);
    record(entry);
  });
  return entries;
}
