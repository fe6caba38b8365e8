import { searchDate, walkSearch } from '#httpapi/search-terms.js';
import { LOGIN_TYPES, USER_STATUSES, type LoginType, type UserStatus } from '#db/entities/user.entity.js';

export interface UserSearch {
  search?: string;
  username?: string;
  email?: string;
  status: UserStatus[];
  roles: string[];
  loginTypes: LoginType[];
  githubComUserId?: string;
  createdBefore?: Date;
  createdAfter?: Date;
  lastSeenBefore?: Date;
  lastSeenAfter?: Date;
  serviceAccount?: boolean;
}

/**
 * Parses Coder's user search query: `key:value` terms (quoted values allowed) and bare words, e.g.
 * `alice status:active role:owner`. Unknown keys and bad values are 400s naming the term.
 */
export function parseUserSearch(q: string | undefined): UserSearch {
  const out: UserSearch = { status: [], roles: [], loginTypes: [] };
  const words: string[] = [];
  walkSearch(q, 'Invalid user search query.', {
    word: (w) => words.push(w),
    term({ key, value, bad }) {
      switch (key) {
        case 'username':
          out.username = value;
          break;
        case 'email':
          out.email = value;
          break;
        case 'status':
          if ((USER_STATUSES as readonly string[]).includes(value)) out.status.push(value as UserStatus);
          else bad(`Query param "status" has invalid value "${value}"; expected one of ${USER_STATUSES.join(', ')}.`);
          break;
        case 'role':
          out.roles.push(value);
          break;
        case 'login_type':
          if ((LOGIN_TYPES as readonly string[]).includes(value)) out.loginTypes.push(value as LoginType);
          else bad(`Query param "login_type" has invalid value "${value}".`);
          break;
        case 'github_com_user_id':
          if (/^\d{1,18}$/.test(value)) out.githubComUserId = value;
          else bad(`Query param "github_com_user_id" must be an integer.`);
          break;
        case 'service_account':
          if (value === 'true' || value === 'false') out.serviceAccount = value === 'true';
          else bad(`Query param "service_account" must be true or false.`);
          break;
        case 'created_before':
        case 'created_after':
        case 'last_seen_before':
        case 'last_seen_after': {
          const d = searchDate(value);
          if (!d) bad(`Query param "${key}" must be a date, e.g. 2024-01-31 or an RFC 3339 timestamp.`);
          else out[camel(key)] = d;
          break;
        }
        default:
          bad(`"${key}" is not a valid query param.`);
      }
    },
  });
  if (words.length) out.search = words.join(' ');
  return out;
}

function camel(key: 'created_before' | 'created_after' | 'last_seen_before' | 'last_seen_after') {
  return ({ created_before: 'createdBefore', created_after: 'createdAfter', last_seen_before: 'lastSeenBefore', last_seen_after: 'lastSeenAfter' } as const)[key];
}
