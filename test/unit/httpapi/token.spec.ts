// Token extraction (Coder's order, reference §4) and the `<10-char id>-<22-char secret>` split.
import { describe, expect, it } from '@jest/globals';
import type { AnyRequest } from '#httpapi/http.js';
import { extractToken, parseApiToken } from '#httpapi/token.js';

const ID = 'abcdefghij';
const SECRET = 'ABCDEFGHIJKLMNOPQRSTUV';

function req(headers: Record<string, string | string[]> = {}, query: Record<string, unknown> = {}): AnyRequest {
  return { headers, query };
}

describe('extractToken', () => {
  // Each source is tested alone, then with every lower-priority source also present.
  const all = {
    cookie: 'coder_session_token=from-cookie',
    sessionQuery: 'from-session-query',
    header: 'from-header',
    bearer: 'Bearer from-bearer',
    accessToken: 'from-access-token',
  };
  type Sources = Partial<typeof all>;
  const build = (s: Sources) => {
    const headers: Record<string, string> = {};
    const query: Record<string, string> = {};
    if (s.cookie) headers.cookie = s.cookie;
    if (s.header) headers['coder-session-token'] = s.header;
    if (s.bearer) headers.authorization = s.bearer;
    if (s.sessionQuery) query.coder_session_token = s.sessionQuery;
    if (s.accessToken) query.access_token = s.accessToken;
    return req(headers, query);
  };

  it.each<[string, Sources, string | undefined]>([
    ['nothing at all', {}, undefined],
    ['cookie wins over everything', all, 'from-cookie'],
    ['coder_session_token query wins over header, bearer and access_token', { ...all, cookie: undefined }, 'from-session-query'],
    ['Coder-Session-Token header wins over bearer and access_token', { header: all.header, bearer: all.bearer, accessToken: all.accessToken }, 'from-header'],
    ['Authorization: Bearer wins over access_token', { bearer: all.bearer, accessToken: all.accessToken }, 'from-bearer'],
    ['access_token query is the last resort', { accessToken: all.accessToken }, 'from-access-token'],
    ['a non-Bearer Authorization is ignored', { bearer: 'Basic dXNlcjpwYXNz', accessToken: all.accessToken }, 'from-access-token'],
    ['a non-Bearer Authorization alone yields nothing', { bearer: 'Basic dXNlcjpwYXNz' }, undefined],
    ['the Bearer scheme is case-insensitive', { bearer: 'bearer lower-case' }, 'lower-case'],
    ['"Bearer" without a token yields nothing', { bearer: 'Bearer ' }, undefined],
    ['an empty cookie falls through to the next source', { cookie: 'coder_session_token=', header: all.header }, 'from-header'],
    ['an empty session query falls through', { sessionQuery: '', bearer: all.bearer }, 'from-bearer'],
    ['the cookie is found among other cookies', { cookie: 'theme=dark; coder_session_token=among-others; other=1' }, 'among-others'],
    ['a cookie with a similar name is not the session cookie', { cookie: 'xcoder_session_token=nope', header: all.header }, 'from-header'],
    ['a URL-encoded cookie value is decoded', { cookie: 'coder_session_token=a%2Db' }, 'a-b'],
  ])('%s', (_name, sources, expected) => {
    expect(extractToken(build(sources))).toBe(expected);
  });

  it('reads the header case-insensitively (Node lower-cases header names)', () => {
    expect(extractToken(req({ 'coder-session-token': 'x' }))).toBe('x');
  });

  it('takes the first value of a repeated query parameter', () => {
    expect(extractToken(req({}, { coder_session_token: ['first', 'second'] }))).toBe('first');
  });

  it('ignores a non-string query parameter', () => {
    expect(extractToken(req({}, { coder_session_token: { nested: 'x' }, access_token: 'fallback' }))).toBe('fallback');
  });
});

describe('parseApiToken', () => {
  it('splits a well-formed token into id and secret', () => {
    expect(parseApiToken(`${ID}-${SECRET}`)).toEqual({ id: ID, secret: SECRET });
  });

  it.each<[string, string, RegExp]>([
    ['empty string', '', /expected 2 got 1/],
    ['no separator', `${ID}${SECRET}`, /expected 2 got 1/],
    ['three parts', `${ID}-${SECRET}-extra`, /expected 2 got 3/],
    ['id too short', `${ID.slice(1)}-${SECRET}`, /ID length, expected 10 got 9/],
    ['id too long', `${ID}k-${SECRET}`, /ID length, expected 10 got 11/],
    ['secret too short', `${ID}-${SECRET.slice(1)}`, /secret length, expected 22 got 21/],
    ['secret too long', `${ID}-${SECRET}W`, /secret length, expected 22 got 23/],
    ['empty id', `-${SECRET}`, /ID length, expected 10 got 0/],
    ['empty secret', `${ID}-`, /secret length, expected 22 got 0/],
  ])('rejects %s', (_name, token, message) => {
    const parsed = parseApiToken(token);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toMatch(message);
    expect(parsed).not.toHaveProperty('id');
  });
});
