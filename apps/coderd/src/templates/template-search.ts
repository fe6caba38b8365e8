import { isSearchUuid, walkSearch, type KeyedTerm } from '#httpapi/search-terms.js';

export interface TemplateSearch {
  deleted: boolean;
  /** An organization name or id. */
  organization?: string;
  exactName?: string;
  /** Part of the name. */
  name?: string;
  /** Part of the display name. */
  displayName?: string;
  /** Bare words: part of the name or of the display name. */
  text?: string;
  ids?: string[];
  deprecated?: boolean;
  /** A username, or `me`. */
  author?: string;
  authorId?: string;
  hasAiTask?: boolean;
  hasExternalAgent?: boolean;
}

const uuid = (t: KeyedTerm, v: string) => {
  if (!isSearchUuid(v)) t.bad(`Query param "${t.key}" must be a valid uuid`);
  return v;
};

/**
 * Coder's template search (`searchquery.Templates`): the query is lower-cased, then `key:value` terms
 * (name, exact_name, display_name, organization, deleted, deprecated, ids, author, author_id,
 * has_ai_task, has_external_agent) and bare words. Unknown keys and bad values are 400, one validation each.
 */
export function parseTemplateSearch(q: string | undefined): TemplateSearch {
  const out: TemplateSearch = { deleted: false };
  const words: string[] = [];
  walkSearch(q?.toLowerCase(), 'Invalid template search query.', {
    word: (w) => words.push(w),
    term(t) {
      const { value } = t;
      switch (t.key) {
        case 'name':
          out.name = value;
          break;
        case 'exact_name':
          out.exactName = value;
          break;
        case 'display_name':
          out.displayName = value;
          break;
        case 'organization':
          out.organization = value;
          break;
        case 'author':
          out.author = value;
          break;
        case 'author_id':
          out.authorId = uuid(t, value);
          break;
        case 'ids':
          out.ids = value.split(',').filter((v) => v !== '').map((v) => uuid(t, v));
          break;
        case 'deleted':
          out.deleted = t.bool() ?? false;
          break;
        case 'deprecated':
          out.deprecated = t.bool();
          break;
        case 'has_ai_task':
          out.hasAiTask = t.bool();
          break;
        case 'has_external_agent':
          out.hasExternalAgent = t.bool();
          break;
        default:
          t.unknown();
      }
    },
  });
  if (words.length) out.text = words.join(' ');
  return out;
}
