// Turns a subject's role names into per-level permission sets and one CASL ability.
//
// Coder's rule (reference §5): per level -1 if any matching permission is negated, 1 if one
// matches positively, else 0; allow = site==1 || (site!=-1 && org==1) ||
// (site!=-1 && org!=-1 && user==1). CASL lets the LAST matching rule decide, so emitting the
// levels lowest first (user, org, site), each with its `can` rules before its `cannot` rules,
// yields exactly that precedence: a site `cannot` shadows everything, a site `can` shadows org
// and user, an org `cannot` shadows user, and so on.
import { AbilityBuilder, createMongoAbility, type MongoAbility, type MongoQuery } from '@casl/ability';
import type { Action, ResourceType } from './policy.js';
import { resolveRole, type Permission, type RoleDefinition } from './roles.js';
import type { Subject } from './subject.js';

export type RoleResolver = (name: string, level: 'site' | 'organization') => RoleDefinition | undefined;

export interface CompiledSubject {
  /** Site permissions of every role (organization roles may carry site permissions too). */
  site: Permission[];
  /** User-level permissions of site roles: owned objects without an org or in a member org. */
  user: Permission[];
  /** Per member organization: org-level permissions and user-level (owned, in that org) ones. */
  orgs: Map<string, { org: Permission[]; user: Permission[] }>;
  memberOrgs: string[];
  ability: MongoAbility;
}

/** The CASL view of an object: absent owner/org become '' (Coder's "no owner" convention). */
export interface CaslObject {
  ownerId: string;
  orgId: string;
}

export function compileSubject(subject: Subject, resolve: RoleResolver = resolveRole): CompiledSubject {
  const site: Permission[] = [];
  const user: Permission[] = [];
  const orgs = new Map<string, { org: Permission[]; user: Permission[] }>();

  for (const name of subject.siteRoles) {
    const role = resolve(name, 'site');
    if (!role) continue; // unknown roles grant nothing
    site.push(...role.site);
    user.push(...role.user);
  }
  // '' is the "no organization" marker, so it can never be a membership.
  const memberOrgs = Object.keys(subject.orgRoles).filter((o) => o !== '').sort();
  for (const orgId of memberOrgs) {
    const level = { org: [] as Permission[], user: [] as Permission[] };
    for (const name of subject.orgRoles[orgId] ?? []) {
      const role = resolve(name, 'organization');
      if (!role) continue;
      site.push(...role.site);
      level.org.push(...role.org);
      level.user.push(...role.user);
    }
    orgs.set(orgId, level);
  }
  return { site, user, orgs, memberOrgs, ability: buildAbility(subject.id, site, user, orgs, memberOrgs) };
}

function buildAbility(
  subjectId: string,
  site: Permission[],
  user: Permission[],
  orgs: CompiledSubject['orgs'],
  memberOrgs: string[],
): MongoAbility {
  const builder = new AbilityBuilder<MongoAbility>(createMongoAbility);
  const emit = (groups: Array<[Permission[], MongoQuery | undefined]>) => {
    for (const negate of [false, true]) {
      for (const [perms, conditions] of groups) {
        for (const p of perms) {
          if (p.negate !== negate) continue;
          const add = negate ? builder.cannot : builder.can;
          if (conditions) add(p.action, p.resource_type, conditions);
          else add(p.action, p.resource_type);
        }
      }
    }
  };
  // User level. An empty subject id would match every unowned object ('' == ''), so skip it.
  if (subjectId !== '') {
    // Objects with an organization need membership in it ("org_ok"); '' = no organization.
    const userLevel: Array<[Permission[], MongoQuery]> = [
      [user, { ownerId: subjectId, orgId: { $in: ['', ...memberOrgs] } }],
    ];
    for (const [orgId, level] of orgs) userLevel.push([level.user, { ownerId: subjectId, orgId }]);
    emit(userLevel);
  }
  emit([...orgs].map(([orgId, level]): [Permission[], MongoQuery] => [level.org, { orgId }]));
  emit([[site, undefined]]);
  return builder.build({ anyAction: '*', anySubjectType: '*' });
}

function matches(p: Permission, type: ResourceType, action: Action): boolean {
  return (p.resource_type === '*' || p.resource_type === type) && (p.action === '*' || p.action === action);
}

/** One level's verdict: -1 (a negation matches), 1 (a grant matches), 0 (nothing applies). */
export function levelValue(perms: Permission[], type: ResourceType, action: Action): -1 | 0 | 1 {
  let value: -1 | 0 | 1 = 0;
  for (const p of perms) {
    if (!matches(p, type, action)) continue;
    if (p.negate) return -1;
    value = 1;
  }
  return value;
}
