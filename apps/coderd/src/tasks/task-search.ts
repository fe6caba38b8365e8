import { walkSearch } from '#httpapi/search-terms.js';
import { TASK_STATUSES, type TaskStatus } from './task-status.js';

export interface TaskSearchQuery {
  /** A username, a user id or `me`. */
  owner?: string;
  /** An organization name or id. */
  organization?: string;
  statuses?: TaskStatus[];
}

/** Coder's task search: `owner:`, `organization:` and `status:` (comma-separated); lower-cased first. */
export function parseTaskSearch(q: string | undefined): TaskSearchQuery {
  const out: TaskSearchQuery = {};
  walkSearch(q?.toLowerCase(), 'Invalid task search query.', {
    word: (w, bad) => bad('q', `"${w}" has no key; use owner:, organization: or status:.`),
    term(t) {
      switch (t.key) {
        case 'owner':
          out.owner = t.value;
          break;
        case 'organization':
          out.organization = t.value;
          break;
        case 'status': {
          const statuses = t.value.split(',').filter((v) => v !== '');
          const wrong = statuses.filter((v) => !(TASK_STATUSES as readonly string[]).includes(v));
          if (wrong.length) t.bad(`Query param "status" has invalid value "${wrong.join(',')}"; expected one of ${TASK_STATUSES.join(', ')}.`);
          else out.statuses = statuses as TaskStatus[];
          break;
        }
        default:
          t.unknown();
      }
    },
  });
  return out;
}
