import { ApiError, type ValidationError } from '#httpapi/api-error.js';
import { searchDate, searchTerms } from '#httpapi/search-terms.js';
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

const bool = (v: string) => (v === 'true' ? true : v === 'false' ? false : undefined);

/**
 * Coder's workspace search (`searchquery.Workspaces`): `owner:me template:go status:running`, and a
 * bare word is a name or `owner/name`. Unknown keys and bad values are 400 with one validation each.
 */
export function parseWorkspaceSearch(q: string | undefined): WorkspaceSearch {
  const out: WorkspaceSearch = { deleted: false };
  const validations: ValidationError[] = [];
  for (const term of searchTerms(q)) {
    const i = term.indexOf(':');
    if (i < 0) {
      const parts = term.split('/');
      if (parts.length === 2) [out.owner, out.name] = parts;
      else if (parts.length === 1) out.name = term;
      else validations.push({ field: 'name', detail: `Query element "${term}" can only contain one "/"` });
      continue;
    }
    const key = term.slice(0, i).toLowerCase();
    const value = term.slice(i + 1);
    const bad = (detail: string) => validations.push({ field: key, detail });
    const flag = (set: (b: boolean) => void) => {
      const b = bool(value);
      if (b === undefined) bad(`Query param "${key}" must be a valid boolean`);
      else set(b);
    };
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
        if ((WORKSPACE_STATUSES as readonly string[]).includes(value)) out.status = value as WorkspaceStatus;
        else bad(`Query param "status" has invalid value "${value}"; expected one of ${WORKSPACE_STATUSES.join(', ')}.`);
        break;
      case 'has-agent':
      case 'has_agent':
        if ((AGENT_STATUSES as readonly string[]).includes(value)) out.hasAgent = value as AgentStatus;
        else bad(`Query param "${key}" has invalid value "${value}"; expected one of ${AGENT_STATUSES.join(', ')}.`);
        break;
      case 'outdated':
        flag((b) => (out.outdated = b));
        break;
      case 'deleted':
        flag((b) => (out.deleted = b));
        break;
      case 'dormant':
        flag((b) => (out.dormant = b));
        break;
      case 'has_external_agent':
        flag((b) => (out.hasExternalAgent = b));
        break;
      case 'last_used_before':
      case 'last_used_after': {
        const d = searchDate(value);
        if (!d) bad(`Query param "${key}" must be a date, e.g. 2024-01-31 or an RFC 3339 timestamp.`);
        else if (key === 'last_used_before') out.lastUsedBefore = d;
        else out.lastUsedAfter = d;
        break;
      }
      default:
        bad(`Query param "${key}" is not a valid query param`);
    }
  }
  if (validations.length) throw new ApiError(400, 'Invalid workspace search query.', undefined, validations);
  return out;
}
