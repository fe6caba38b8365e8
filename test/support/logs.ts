import type { AuditLog } from '#sdk/logs.js';
import { createFirstUser, api, type FirstUser } from './fixtures.js';
import { testPublicKeysFile, uploadLicense, validLicense } from './licenses.js';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.js';

/** The wire shape, from the SDK the server answers with. */
export type AuditRow = AuditLog;

/** An enterprise server whose owner has uploaded a license with the audit and connection logs. */
export async function licensedLogsServer(opts: TestServerOptions = {}): Promise<{ server: TestServer; owner: FirstUser }> {
  const server = await startTestServer({ ...opts, env: { CODER_LICENSE_PUBLIC_KEYS: await testPublicKeysFile(), ...opts.env } });
  const owner = await createFirstUser(server);
  const res = await uploadLicense(server, owner.token, await validLicense({ audit_log: 1, connection_log: 1 }));
  if (res.status !== 201) throw new Error(`license upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { server, owner };
}

/** GET /api/v2/audit as `token`; throws unless 200. */
export async function auditLogs(server: TestServer, token: string, q = '', extra: Record<string, string> = {}): Promise<{ audit_logs: AuditRow[]; count: number; count_cap: number }> {
  const res = await api(server, token).get('/api/v2/audit').query({ q, ...extra });
  if (res.status !== 200) throw new Error(`GET /audit?q=${q} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The newest audit row about `resourceId` with `action`, or undefined. */
export async function lastAudit(server: TestServer, token: string, resourceId: string, action?: string): Promise<AuditRow | undefined> {
  const q = `resource_id:${resourceId}${action ? ` action:${action}` : ''}`;
  return (await auditLogs(server, token, q)).audit_logs[0];
}
