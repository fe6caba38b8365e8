// The RBAC-matrix harness shared by the API specs: the actors, the world that creates them, and the
// runner that checks each (route, actor) pair against the outcome Coder's rules give (reference §5,
// libs/rbac/src/roles.ts):
//   - reading something you may not read is 404 (its existence is not revealed);
//   - acting without permission on something you may read is 403;
//   - no session is 401.
// List routes also assert whether the target row is visible; mutating routes also assert, straight
// from the database, that the change happened exactly when the answer was 2xx.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { expectErrorBody } from './error-body.js';
import { api, createUser, type FirstUser, type TestUser } from './fixtures.js';
import type { TestServer } from './test-server.js';

/** Every actor a matrix may name, in the order of its columns. */
export const ALL_ACTORS = ['owner', 'user-admin', 'org-admin', 'org-user-admin', 'auditor', 'member', 'other-org-member', 'anonymous'] as const;
export type Actor = (typeof ALL_ACTORS)[number];
/** The actors that are users (everyone but `anonymous`). */
export type UserActor = Exclude<Actor, 'anonymous'>;

/**
 * What a (route, actor) pair must answer: a status class ('2xx'; '2xx+' = 2xx and the target is in the
 * list, '2xx-' = 2xx and it is not) or an exact status.
 */
export type Outcome = '2xx' | '2xx+' | '2xx-' | '200' | '201' | '204' | '400' | '401' | '403' | '404';

/** How each actor is made: its site roles, its roles in the default organization, or the second organization. */
const ACTOR_SPECS: Record<Exclude<UserActor, 'owner'>, { siteRoles?: string[]; orgRoles?: string[]; otherOrg?: true }> = {
  'user-admin': { siteRoles: ['user-admin'] },
  'org-admin': { orgRoles: ['organization-admin'] },
  'org-user-admin': { orgRoles: ['organization-user-admin'] },
  auditor: { siteRoles: ['auditor'] },
  member: {},
  'other-org-member': { otherOrg: true },
};

export interface World<A extends Actor = Actor> {
  server: TestServer;
  owner: FirstUser;
  defaultOrg: string;
  /** The second organization, only there when `other-org-member` is one of the actors. */
  otherOrg?: string;
  actors: Record<Exclude<A, 'anonymous'>, TestUser | FirstUser>;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteCase<W, T, A extends Actor = Actor> {
  route: string;
  /** The target of one case (fresh rows for mutations); `actor` is who will send the request. */
  arrange(w: W, actor: A): Promise<T>;
  request(w: W, t: T): { method: Method; path: string; body?: object };
  /** Lists: whether the response contains the target. */
  contains?(body: unknown, t: T): boolean;
  /** Mutations: whether the change is in the database. */
  happened?(w: W, t: T): Promise<boolean>;
  /** Further assertions on the response. */
  check?(res: Response, t: T, outcome: Outcome): void;
  expect: Record<A, Outcome>;
}

export interface Matrix<A extends Actor> {
  actors: readonly A[];
  /** One matrix row: one outcome per actor, in the order of `actors`. */
  row(...outcomes: Outcome[]): Record<A, Outcome>;
}

export const statusClass = (status: number): string => (status >= 200 && status < 300 ? '2xx' : String(status));
const succeeds = (outcome: Outcome) => outcome.startsWith('2');

/** A second organization (with its Everyone group), made in SQL: multiple organizations are an enterprise feature. */
export async function sqlOrganization(server: TestServer, name: string): Promise<string> {
  const id = randomUUID();
  await server.sql(`INSERT INTO organizations (id, name, display_name) VALUES ($1, $2, $2)`, [id, name]);
  await server.sql(`INSERT INTO groups (id, name, organization_id) VALUES ($1, 'Everyone', $1)`, [id]);
  return id;
}

/** The world of a matrix: the owner and the other requested actors, and `second-org` if `other-org-member` is one. */
export async function createWorld<A extends Actor>(server: TestServer, owner: FirstUser, actors: readonly A[]): Promise<World<A>> {
  const otherOrg = actors.includes('other-org-member' as A) ? await sqlOrganization(server, 'second-org') : undefined;
  const users: Partial<Record<UserActor, TestUser | FirstUser>> = {};
  for (const actor of ALL_ACTORS) {
    if (actor === 'anonymous' || !actors.includes(actor as A)) continue;
    if (actor === 'owner') {
      users.owner = owner;
      continue;
    }
    const spec = ACTOR_SPECS[actor];
    users[actor] = await createUser(server, owner, {
      siteRoles: spec.siteRoles,
      orgRoles: spec.orgRoles,
      organizationIds: spec.otherOrg ? [otherOrg as string] : undefined,
    });
  }
  return { server, owner, defaultOrg: owner.orgId, otherOrg, actors: users as World<A>['actors'] };
}

/** The columns of a matrix and its `row` helper. */
export function defineMatrix<A extends Actor>(actors: readonly A[]): Matrix<A> {
  return {
    actors,
    row(...outcomes) {
      if (outcomes.length !== actors.length) throw new Error(`matrix row: ${outcomes.length} outcomes for ${actors.length} actors`);
      return Object.fromEntries(actors.map((a, i) => [a, outcomes[i]])) as Record<A, Outcome>;
    },
  };
}

/**
 * Registers, in the current describe: that each actor holds the roles it is named for, that the table
 * is well-formed, and one test per (route, actor) pair. `world` is read when the tests run.
 */
export function runMatrix<A extends Actor, W extends World<A>, T>(
  matrix: Matrix<A>,
  routes: ReadonlyArray<RouteCase<W, T, A>>,
  world: () => W,
  options: { title?: string } = {},
): void {
  const { actors } = matrix;

  describe('the actors are who the matrix says they are', () => {
    const users = actors.filter((a): a is Exclude<A, 'anonymous'> => a !== 'anonymous');
    it.each(users)('%s', async (name) => {
      const w = world();
      const spec = name === 'owner' ? { siteRoles: ['owner'] } : ACTOR_SPECS[name as Exclude<UserActor, 'owner'>];
      const expected = {
        site: spec.siteRoles ?? [],
        orgs: { default: 'otherOrg' in spec ? null : (spec.orgRoles ?? []), other: 'otherOrg' in spec ? [] : null },
      };
      const user = w.actors[name];
      const [u] = await w.server.sql<{ rbac_roles: string[] }>('SELECT rbac_roles FROM users WHERE id = $1', [user.id]);
      const memberships = await w.server.sql<{ organization_id: string; roles: string[] }>(
        'SELECT organization_id, roles FROM organization_members WHERE user_id = $1',
        [user.id],
      );
      const rolesIn = (orgId?: string) => memberships.find((m) => m.organization_id === orgId)?.roles ?? null;
      expect({ site: u.rbac_roles, orgs: { default: rolesIn(w.defaultOrg), other: rolesIn(w.otherOrg) } }).toEqual(expected);
      expect(memberships).toHaveLength(1);
    });
  });

  it('the table is well-formed: list routes state visibility for every 2xx, other routes never do', () => {
    const listOutcome = (o: Outcome) => o === '2xx+' || o === '2xx-';
    const wrong = routes.flatMap((r) =>
      actors.filter((a) => (r.contains ? succeeds(r.expect[a]) && !listOutcome(r.expect[a]) : listOutcome(r.expect[a]))).map((a) => `${r.route} / ${a}`),
    );
    expect(wrong).toEqual([]);
    expect(new Set(routes.map((r) => r.route)).size).toBe(routes.length);
  });

  const cases = routes.flatMap((r) => actors.map((actor) => [r.route, actor, r.expect[actor], r] as const));

  it.each(cases)(options.title ?? '%s as %s -> %s', async (_route, actor, outcome, r) => {
    const w = world();
    const target = await r.arrange(w, actor);
    const { method, path, body } = r.request(w, target);
    const token = actor === 'anonymous' ? undefined : w.actors[actor as Exclude<A, 'anonymous'>].token;
    let req = api(w.server, token)[method](path);
    if (body) req = req.send(body);
    const res = await req;

    // The body is part of the received value so that a failure shows what the server said.
    if (outcome.startsWith('2xx')) {
      expect({ status: statusClass(res.status), body: res.body }).toMatchObject({ status: '2xx' });
      if (r.contains) expect(r.contains(res.body, target)).toBe(outcome === '2xx+');
    } else if (succeeds(outcome)) {
      expect({ status: res.status, body: res.body }).toMatchObject({ status: Number(outcome) });
    } else {
      expect({ status: statusClass(res.status), body: res.body }).toMatchObject({ status: outcome });
      expectErrorBody(res, Number(outcome));
      if (outcome === '401') expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    }
    r.check?.(res, target, outcome);
    if (r.happened) expect(await r.happened(w, target)).toBe(succeeds(outcome));
  });
}
