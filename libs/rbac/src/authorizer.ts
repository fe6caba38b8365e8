// Authorization decisions: roles (via CASL, see compile.ts), ACLs, API-key scope and allow list.
// allowed = (roles allow OR an ACL allows) AND the scope allows AND the allow list covers the object.
import { subject as caslSubject } from '@casl/ability';
import { TtlCache } from './cache.js';
import { type CaslObject, type CompiledSubject, type RoleResolver, compileSubject } from './compile.js';
import { type Action, type ResourceType, isValidAction } from './policy.js';
import { resolveRole } from './roles.js';
import { allowListAllows, scopeAllows } from './scopes.js';
import { type SqlColumns, buildSqlFilter } from './sql.js';
import { isOrgMember, type Subject } from './subject.js';

export interface RbacObject {
  type: ResourceType;
  id?: string;
  /** The owning user. For a user object this is the user's own id. */
  ownerId?: string;
  /** The owning organization. For an organization object this is its own id. */
  orgId?: string;
  /** User id -> actions (or '*') granted to that user on this object. */
  aclUsers?: Record<string, string[]>;
  /** Group id -> actions; the key equal to orgId is the Everyone group of that organization. */
  aclGroups?: Record<string, string[]>;
}

export interface AuthorizerOptions {
  /** Decision (and compiled-role) lifetime; default one minute, as Coder's cache. */
  cacheTtlMs?: number;
  /** Maximum cached decisions; default 64 * 1024, as Coder's cache. */
  cacheSize?: number;
  /** Where role names are looked up; default the built-in tables. Call clearCache() after roles change. */
  roleResolver?: RoleResolver;
  /** Clock for cache expiry (tests). */
  now?: () => number;
}

// Compiled abilities are per distinct subject, far fewer than decisions.
const ABILITY_CACHE_SIZE = 4096;

export class Authorizer {
  private readonly decisions: TtlCache<boolean>;
  private readonly abilities: TtlCache<CompiledSubject>;
  private readonly resolve: RoleResolver;

  constructor(opts: AuthorizerOptions = {}) {
    const ttl = opts.cacheTtlMs ?? 60_000;
    const size = opts.cacheSize ?? 65_536;
    // The compiled roles expire too, so that a changed role resolver is picked up within the TTL.
    this.decisions = new TtlCache(ttl, size, opts.now);
    this.abilities = new TtlCache(ttl, Math.min(size, ABILITY_CACHE_SIZE), opts.now);
    this.resolve = opts.roleResolver ?? resolveRole;
  }

  can(subject: Subject, action: Action, object: RbacObject): boolean {
    assertValid(object.type, action);
    const key = `${subject.cacheKey}\u0000${action}\u0000${objectKey(object)}`;
    const cached = this.decisions.get(key);
    if (cached !== undefined) return cached;
    const allowed = this.decide(subject, action, object);
    this.decisions.set(key, allowed);
    return allowed;
  }

  /** A PostgreSQL boolean expression, TRUE for exactly the rows the subject may `action`. */
  sqlFilter(subject: Subject, action: Action, type: ResourceType, columns: SqlColumns): string {
    assertValid(type, action);
    return buildSqlFilter(subject, this.compiled(subject), action, type, columns, scopeAllows(subject.scopes, type, action));
  }

  clearCache(): void {
    this.decisions.clear();
    this.abilities.clear();
  }

  private decide(subject: Subject, action: Action, object: RbacObject): boolean {
    if (!scopeAllows(subject.scopes, object.type, action)) return false;
    if (!allowListAllows(subject.allowList, object.type, object.id)) return false;
    const view: CaslObject = { ownerId: object.ownerId ?? '', orgId: object.orgId ?? '' };
    return this.compiled(subject).ability.can(action, caslSubject(object.type, view)) || aclAllows(subject, action, object);
  }

  private compiled(subject: Subject): CompiledSubject {
    let c = this.abilities.get(subject.cacheKey);
    if (!c) {
      c = compileSubject(subject, this.resolve);
      this.abilities.set(subject.cacheKey, c);
    }
    return c;
  }
}

function assertValid(type: ResourceType, action: Action): void {
  // A mismatch is a programming error; failing loudly beats a silent 403.
  if (!isValidAction(type, action)) throw new Error(`rbac: "${action}" is not an action of resource type "${type}".`);
}

// The ACL path is its own allow rule next to the role levels (policy.rego's acl_allow), so a role
// level's -1 does not cancel it. In one CASL rule list an ACL `can` would have to sit after every
// `cannot` and carry a condition that depends on the action; a plain check is clearer.
function aclAllows(subject: Subject, action: Action, object: RbacObject): boolean {
  const grants = (list: string[] | undefined) => list !== undefined && (list.includes(action) || list.includes('*'));
  if (subject.id !== '' && object.aclUsers && Object.hasOwn(object.aclUsers, subject.id)) {
    if (grants(object.aclUsers[subject.id])) return true;
  }
  if (object.aclGroups && object.orgId && isOrgMember(subject, object.orgId)) {
    for (const g of [object.orgId, ...subject.groups]) {
      if (Object.hasOwn(object.aclGroups, g) && grants(object.aclGroups[g])) return true;
    }
  }
  return false;
}

function sortedAcl(acl: Record<string, string[]> | undefined): Array<[string, string[]]> | null {
  if (!acl) return null;
  return Object.keys(acl)
    .sort()
    .map((k) => [k, [...acl[k]].sort()]);
}

function objectKey(o: RbacObject): string {
  // The common case (no ACLs) is on every request's path: keep it to a concatenation.
  if (!o.aclUsers && !o.aclGroups) return `${o.type}\u0001${o.id ?? ''}\u0001${o.ownerId ?? ''}\u0001${o.orgId ?? ''}`;
  return JSON.stringify([o.type, o.id ?? '', o.ownerId ?? '', o.orgId ?? '', sortedAcl(o.aclUsers), sortedAcl(o.aclGroups)]);
}
