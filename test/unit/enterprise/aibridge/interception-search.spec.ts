// The AI Bridge interceptions query: `key:value` terms, a bare term is the initiator.
import { describe, expect, it } from '@jest/globals';
import { isRfc3339, parseInterceptionSearch, type InterceptionSearch } from '#enterprise/aibridge/interceptions/interception-search.js';
import { ApiError } from '#httpapi/api-error.js';

const ID = '0b5f3a4e-9c1d-4e2f-8a7b-6c5d4e3f2a1b';

function failure(q: string): ApiError {
  try {
    parseInterceptionSearch(q);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(q)} to be rejected`);
}

describe('parseInterceptionSearch', () => {
  it.each<[string, string | undefined, InterceptionSearch]>([
    ['undefined', undefined, {}],
    ['empty', '', {}],
    ['whitespace only', ' \t  ', {}],
    ['initiator me', 'initiator:me', { initiator: { kind: 'me' } }],
    ['initiator username', 'initiator:alice', { initiator: { kind: 'username', username: 'alice' } }],
    ['initiator username with hyphens', 'initiator:alice-b-2', { initiator: { kind: 'username', username: 'alice-b-2' } }],
    ['initiator id', `initiator:${ID}`, { initiator: { kind: 'id', id: ID } }],
    ['initiator id is lower-cased', `initiator:${ID.toUpperCase()}`, { initiator: { kind: 'id', id: ID } }],
    ['bare term is the initiator (username)', 'alice', { initiator: { kind: 'username', username: 'alice' } }],
    ['bare term is the initiator (me)', 'me', { initiator: { kind: 'me' } }],
    ['bare term is the initiator (id)', ID, { initiator: { kind: 'id', id: ID } }],
    ['quoted bare term', '"alice"', { initiator: { kind: 'username', username: 'alice' } }],
    ['provider', 'provider:openai', { provider: 'openai' }],
    ['model', 'model:gpt-4o-mini', { model: 'gpt-4o-mini' }],
    ['model with dots and slashes', 'model:anthropic/claude-3.5-sonnet', { model: 'anthropic/claude-3.5-sonnet' }],
    ['client with a quoted space', 'client:"Claude Code"', { client: 'Claude Code' }],
    ['value with a colon', 'model:ft:gpt-4o:org', { model: 'ft:gpt-4o:org' }],
    ['started_after (Z)', 'started_after:2025-01-31T10:00:00Z', { startedAfter: '2025-01-31T10:00:00Z' }],
    ['started_before with offset and fraction', 'started_before:2025-01-31T10:00:00.123456+02:00', { startedBefore: '2025-01-31T10:00:00.123456+02:00' }],
    ['lower-case t and z are upper-cased', 'started_after:2025-01-31t10:00:00z', { startedAfter: '2025-01-31T10:00:00Z' }],
    ['quoted timestamp (Coder clients quote it)', 'started_after:"2025-01-31T10:00:00Z"', { startedAfter: '2025-01-31T10:00:00Z' }],
    ['keys are case-insensitive', 'Provider:openai MODEL:o1', { provider: 'openai', model: 'o1' }],
    ['values keep their case', 'provider:OpenAI', { provider: 'OpenAI' }],
    [
      'every key at once',
      `initiator:me provider:anthropic model:claude client:Cursor started_after:2025-01-01T00:00:00Z started_before:2025-02-01T00:00:00Z`,
      {
        initiator: { kind: 'me' },
        provider: 'anthropic',
        model: 'claude',
        client: 'Cursor',
        startedAfter: '2025-01-01T00:00:00Z',
        startedBefore: '2025-02-01T00:00:00Z',
      },
    ],
    ['bare term with key terms', 'bob provider:openai', { initiator: { kind: 'username', username: 'bob' }, provider: 'openai' }],
    ['extra whitespace between terms', '  provider:openai    model:o1  ', { provider: 'openai', model: 'o1' }],
    ['started_before one microsecond after started_after', 'started_after:2025-01-01T00:00:00Z started_before:2025-01-01T00:00:00.000001Z', {
      startedAfter: '2025-01-01T00:00:00Z',
      startedBefore: '2025-01-01T00:00:00.000001Z',
    }],
  ])('%s', (_name, q, expected) => {
    expect(parseInterceptionSearch(q)).toEqual(expected);
  });

  it.each<[string, string, string[]]>([
    ['unknown key', 'foo:bar', ['"foo" is not a valid query param; use one of initiator, provider, model, client, started_after, started_before.']],
    ['Coder key not supported here (provider_name)', 'provider_name:x', ['"provider_name" is not a valid query param; use one of initiator, provider, model, client, started_after, started_before.']],
    ['empty value', 'provider:', ['Query element "provider:" cannot start or end with \':\'.']],
    ['empty quoted value', 'provider:""', ['Query element "provider:""" cannot start or end with \':\'.']],
    ['empty key', ':openai', ['Query element ":openai" cannot start or end with \':\'.']],
    ['lone colon', ':', ['Query element ":" cannot start or end with \':\'.']],
    ['unterminated quote', 'client:"Claude Code', ['The query has an unterminated quote.']],
    ['initiator neither id, username nor me', 'initiator:not_a_user!', ['Query param "initiator" must be a user id, a username or "me"; "not_a_user!" is none of these.']],
    ['initiator username too long', `initiator:${'a'.repeat(33)}`, [`Query param "initiator" must be a user id, a username or "me"; "${'a'.repeat(33)}" is none of these.`]],
    ['bare term that is not a username', 'a--b', ['Query param "initiator" must be a user id, a username or "me"; "a--b" is none of these.']],
    ['two bare terms', 'alice bob', ['Query param "initiator" may be given only once (a bare term is the initiator); "bob" repeats it.']],
    ['bare term and initiator', 'alice initiator:me', ['Query param "initiator" may be given only once (a bare term is the initiator); "initiator:me" repeats it.']],
    ['duplicate provider', 'provider:a provider:b', ['Query param "provider" may be given only once (a bare term is the initiator); "provider:b" repeats it.']],
    ['duplicate key in another case', 'model:a MODEL:b', ['Query param "model" may be given only once (a bare term is the initiator); "MODEL:b" repeats it.']],
    ['date only', 'started_after:2025-01-31', ['Query param "started_after" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "2025-01-31" is not.']],
    ['no zone', 'started_after:2025-01-31T10:00:00', ['Query param "started_after" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "2025-01-31T10:00:00" is not.']],
    ['not a date', 'started_before:yesterday', ['Query param "started_before" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "yesterday" is not.']],
    ['impossible day', 'started_before:2025-02-30T00:00:00Z', ['Query param "started_before" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "2025-02-30T00:00:00Z" is not.']],
    ['hour 24', 'started_before:2025-01-01T24:00:00Z', ['Query param "started_before" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "2025-01-01T24:00:00Z" is not.']],
    ['unix seconds', 'started_after:1735689600', ['Query param "started_after" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "1735689600" is not.']],
    ['started_before equal to started_after', 'started_after:2025-01-01T00:00:00Z started_before:2025-01-01T01:00:00+01:00', ['Query param "started_before" must be after "started_after".']],
    ['started_before before started_after', 'started_after:2025-02-01T00:00:00Z started_before:2025-01-01T00:00:00Z', ['Query param "started_before" must be after "started_after".']],
    ['started_before before started_after by a microsecond', 'started_after:2025-01-01T00:00:00.000002Z started_before:2025-01-01t00:00:00.000001z', ['Query param "started_before" must be after "started_after".']],
    [
      'every problem is reported',
      'foo:1 provider: started_after:soon',
      [
        '"foo" is not a valid query param; use one of initiator, provider, model, client, started_after, started_before.',
        'Query element "provider:" cannot start or end with \':\'.',
        'Query param "started_after" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "soon" is not.',
      ],
    ],
  ])('rejects %s', (_name, q, details) => {
    const err = failure(q);
    expect(err.status).toBe(400);
    expect(err.body()).toEqual({ message: 'Invalid interception search query.', validations: details.map((detail) => ({ field: 'q', detail })) });
  });
});

describe('isRfc3339', () => {
  it.each<[string, boolean]>([
    ['2025-01-31T10:00:00Z', true],
    ['2025-01-31t10:00:00z', true],
    ['2024-02-29T23:59:59.999999999-07:00', true],
    ['2025-02-29T00:00:00Z', false],
    ['2025-13-01T00:00:00Z', false],
    ['2025-01-01T00:60:00Z', false],
    ['2025-01-01T00:00:60Z', false],
    ['2025-01-01T00:00:00+24:00', false],
    ['2025-01-01 00:00:00Z', false],
    ['2025-01-01T00:00:00.Z', false],
  ])('%s -> %s', (value, valid) => {
    expect(isRfc3339(value)).toBe(valid);
  });
});
