// Shared ids and subject builders for the RBAC specs.
import { makeSubject, type Subject } from '#rbac/subject.js';

export const USER = '11111111-1111-4111-8111-111111111111';
export const OTHER = '22222222-2222-4222-8222-222222222222';
export const ORG_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
export const ORG_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
export const GROUP = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
export const KEY = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

/** Extra org roles per org; every listed org also gets the implied organization-member. */
export type OrgGrants = Record<string, string[]>;

export function subjectWith(
  siteRoles: string[] = [],
  orgs: OrgGrants = { [ORG_A]: [] },
  extra: Partial<Omit<Subject, 'cacheKey'>> = {},
): Subject {
  const orgRoles: OrgGrants = {};
  for (const [org, roles] of Object.entries(orgs)) orgRoles[org] = ['organization-member', ...roles];
  return makeSubject({
    id: USER,
    friendlyName: 'alice',
    siteRoles: ['member', ...siteRoles],
    orgRoles,
    groups: [],
    scopes: ['coder:all'],
    allowList: [{ type: '*', id: '*' }],
    ...extra,
  });
}
