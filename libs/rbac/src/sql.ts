// SQL push-down: the rows a subject may `action`, as one PostgreSQL boolean expression.
// Derived from the same compiled permission sets as the CASL ability and the same level rule
// (see compile.ts), evaluated per member organization ahead of time so that the SQL is only
// "which orgs" and "owned by me in which orgs". Literals are inlined, so every id is validated.
import { type CompiledSubject, levelValue } from './compile.js';
import type { Action, ResourceType } from './policy.js';
import { allowListIds } from './scopes.js';
import type { Subject } from './subject.js';

export interface SqlColumns {
  id?: string;
  owner?: string;
  org?: string;
  /** jsonb `{ "<user id>": ["read", ...] }` (Coder's user_acl). Optional. */
  aclUsers?: string;
  /** jsonb `{ "<group id>": [...] }` (Coder's group_acl; the org id is the Everyone group). Optional. */
  aclGroups?: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

export function uuidLiteral(id: string): string {
  if (!UUID_RE.test(id)) throw new Error(`rbac: "${id}" is not a UUID and cannot be put into SQL.`);
  return `'${id.toLowerCase()}'::uuid`;
}

function column(name: string | undefined): string | undefined {
  if (name !== undefined && !IDENT_RE.test(name)) throw new Error(`rbac: "${name}" is not a valid column name.`);
  return name;
}

const inSet = (col: string, ids: string[]) => `${col} = ANY(ARRAY[${[...new Set(ids)].sort().map(uuidLiteral).join(', ')}])`;

// Parenthesise compound operands; atoms (comparisons) stay bare.
const wrap = (e: string) => (/ (AND|OR) /.test(e) ? `(${e})` : e);

export function or(parts: string[]): string {
  const rest = parts.filter((p) => p !== 'FALSE');
  if (rest.includes('TRUE')) return 'TRUE';
  if (rest.length === 0) return 'FALSE';
  return rest.length === 1 ? rest[0] : rest.map(wrap).join(' OR ');
}

export function and(parts: string[]): string {
  const rest = parts.filter((p) => p !== 'TRUE');
  if (rest.includes('FALSE')) return 'FALSE';
  if (rest.length === 0) return 'TRUE';
  return rest.length === 1 ? rest[0] : rest.map(wrap).join(' AND ');
}

const combine = (a: -1 | 0 | 1, b: -1 | 0 | 1) => (a === -1 || b === -1 ? -1 : a === 1 || b === 1 ? 1 : 0);

function roleClause(c: CompiledSubject, subjectId: string, type: ResourceType, action: Action, cols: SqlColumns): string {
  const site = levelValue(c.site, type, action);
  if (site !== 0) return site === 1 ? 'TRUE' : 'FALSE';
  const userSite = levelValue(c.user, type, action);
  const orgAllowed: string[] = []; // org level says yes
  const ownedAllowed: string[] = []; // org level abstains, user level says yes
  for (const [orgId, level] of c.orgs) {
    const org = levelValue(level.org, type, action);
    if (org === 1) orgAllowed.push(orgId);
    else if (org === 0 && combine(userSite, levelValue(level.user, type, action)) === 1) ownedAllowed.push(orgId);
  }
  const byOrg = cols.org && orgAllowed.length > 0 ? inSet(cols.org, orgAllowed) : 'FALSE';
  // Without an org column every row is org-less.
  const ownedWhere = cols.org
    ? or([userSite === 1 ? `${cols.org} IS NULL` : 'FALSE', ownedAllowed.length > 0 ? inSet(cols.org, ownedAllowed) : 'FALSE'])
    : userSite === 1 ? 'TRUE' : 'FALSE';
  const byOwner = cols.owner && subjectId !== '' && ownedWhere !== 'FALSE'
    ? and([`${cols.owner} = ${uuidLiteral(subjectId)}`, ownedWhere])
    : 'FALSE';
  return or([byOrg, byOwner]);
}

function aclClause(subject: Subject, c: CompiledSubject, action: Action, cols: SqlColumns): string {
  const holds = (entry: string) => `${entry} @> '["${action}"]'::jsonb OR ${entry} @> '["*"]'::jsonb`;
  const byUser = cols.aclUsers && subject.id !== '' ? holds(`(${cols.aclUsers} -> '${subject.id.toLowerCase()}')`) : 'FALSE';
  let byGroup = 'FALSE';
  // Group entries count only in organizations the subject belongs to; the org id is Everyone.
  if (cols.aclGroups && cols.org && c.memberOrgs.length > 0) {
    const entries = [`(${cols.aclGroups} -> ${cols.org}::text)`];
    for (const g of [...subject.groups].sort()) {
      uuidLiteral(g); // validate before inlining
      entries.push(`(${cols.aclGroups} -> '${g.toLowerCase()}')`);
    }
    byGroup = and([inSet(cols.org, c.memberOrgs), or(entries.map(holds))]);
  }
  return or([byUser, byGroup]);
}

function allowListClause(subject: Subject, type: ResourceType, cols: SqlColumns): string {
  const ids = allowListIds(subject.allowList, type);
  if (ids === 'all') return 'TRUE';
  return cols.id && ids.length > 0 ? inSet(cols.id, ids) : 'FALSE';
}

/**
 * The filter for `action` on `type`. Scope and allow list narrow the role/ACL decision exactly as
 * in Authorizer.can. Column names absent => conditions on them are impossible.
 */
export function buildSqlFilter(
  subject: Subject,
  compiled: CompiledSubject,
  action: Action,
  type: ResourceType,
  columns: SqlColumns,
  scopeOk: boolean,
): string {
  const cols: SqlColumns = {};
  for (const k of Object.keys(columns) as Array<keyof SqlColumns>) cols[k] = column(columns[k]);
  // Validate every subject id up front so that a bad subject fails the same way for every action.
  if (subject.id !== '') uuidLiteral(subject.id);
  compiled.memberOrgs.forEach(uuidLiteral);
  if (!scopeOk) return 'FALSE';
  const allowed = allowListClause(subject, type, cols);
  if (allowed === 'FALSE') return 'FALSE';
  return and([or([roleClause(compiled, subject.id, type, action, cols), aclClause(subject, compiled, action, cols)]), allowed]);
}
