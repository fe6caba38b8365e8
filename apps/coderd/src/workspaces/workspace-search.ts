import { searchDate, walkSearch } from '#httpapi/search-terms.js';
import { WORKSPACE_STATUSES, type WorkspaceStatus } from './workspace-status.js';

export const AGENT_STATUSES = ['connecting', 'connected', 'disconnected', 'timeout'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface WorkspaceSearch {
  /** A username, or `me`. */
  owner?: string;
  /** Part of the name, case-insensitive. */
  name?: string;
  template?: string;
  /** An organization name or id. */
  organization?: string;
  status?: WorkspaceStatus;
  outdated?: boolean;
  hasAgent?: AgentStatus;
  deleted: boolean;
  dormant?: boolean;
  hasExternalAgent?: boolean;
  lastUsedBefore?: Date;
  lastUsedAfter?: Date;
}


/**
 * Coder's workspace search (`searchquery.Workspaces`): `owner:me template:go status:running`, and a
 * bare word is a name or `owner/name`. Unknown keys and bad values are 400 with one validation each.
 */
export function parseWorkspaceSearch(q: string | undefined): WorkspaceSearch {
  const out: WorkspaceSearch = { deleted: false };
  walkSearch(q, 'Invalid workspace search query.', {
    word(term, bad) {
      const parts = term.split('/');
      if (parts.length === 2) [out.owner, out.name] = parts;
      else if (parts.length === 1) out.name = term;
      else bad('name', `Query element "${term}" can only contain one "/"`);
    },
    term(t) {
      const { key, value } = t;
      switch (key) {
        case 'owner':
          out.owner = value;
          break;
        case 'name':
          out.name = value;
          break;
        case 'template':
          out.template = value;
          break;
        case 'organization':
          out.organization = value;
          break;
        case 'status':
          out.status = t.oneOf(WORKSPACE_STATUSES);
          break;
        case 'has-agent':
        case 'has_agent':
          out.hasAgent = t.oneOf(AGENT_STATUSES);
          break;
        case 'outdated':
          out.outdated = t.bool();
          break;
        case 'deleted':
          out.deleted = t.bool() ?? false;
          break;
        case 'dormant':
          out.dormant = t.bool();
          break;
        case 'has_external_agent':
          out.hasExternalAgent = t.bool();
          break;
        case 'last_used_before':
        case 'last_used_after': {
          const d = searchDate(value);
          if (!d) t.bad(`Query param "${key}" must be a date, e.g. 2024-01-31 or an RFC 3339 timestamp.`);
          else if (key === 'last_used_before') out.lastUsedBefore = d;
          else out.lastUsedAfter = d;
          break;
        }
        default:
          t.unknown();
      }
    },
  });
  return out;
}
