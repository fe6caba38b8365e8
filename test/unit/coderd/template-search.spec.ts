// Coder's template search query (`searchquery.Templates`).
import { describe, expect, it } from '@jest/globals';
import { parseTemplateSearch } from '#coderd/templates/template-search.js';
import { ApiError } from '#httpapi/api-error.js';

const ID = '8d7b6a5c-0000-4000-8000-000000000001';

function failure(q: string): ApiError {
  try {
    parseTemplateSearch(q);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(q)} to be rejected`);
}

describe('parseTemplateSearch', () => {
  it.each<[string, string | undefined, object]>([
    ['nothing', undefined, { deleted: false }],
    ['bare words: name or display name', 'Go  Dev', { deleted: false, text: 'go dev' }],
    ['keys, lower-cased as Coder does', 'name:Docker exact_name:K8S display_name:"My Thing"', { deleted: false, name: 'docker', exactName: 'k8s', displayName: 'my thing' }],
    ['flags', 'deleted:true deprecated:false has_ai_task:true has_external_agent:false', { deleted: true, deprecated: false, hasAiTask: true, hasExternalAgent: false }],
    ['author and organization', `author:me organization:coder author_id:${ID}`, { deleted: false, author: 'me', organization: 'coder', authorId: ID }],
    ['ids', `ids:${ID},${ID}`, { deleted: false, ids: [ID, ID] }],
  ])('%s', (_what, q, expected) => {
    expect(parseTemplateSearch(q)).toEqual(expected);
  });

  it('refuses unknown keys and bad values, one validation each', () => {
    const err = failure('colour:blue deprecated:maybe author_id:nope ids:1,2');
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid template search query.');
    expect(err.validations).toEqual([
      { field: 'colour', detail: 'Query param "colour" is not a valid query param' },
      { field: 'deprecated', detail: 'Query param "deprecated" must be a valid boolean' },
      { field: 'author_id', detail: 'Query param "author_id" must be a valid uuid' },
      { field: 'ids', detail: 'Query param "ids" must be a valid uuid' },
      { field: 'ids', detail: 'Query param "ids" must be a valid uuid' },
    ]);
  });
});
