import { ApiError, forbidden } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { parsePagination, type Pagination } from '#httpapi/pagination.js';
import type { AnyRequest } from '#httpapi/http.js';
import type { AuthzService } from '#coderd/auth/authz.service.js';
import type { OrganizationsRepository } from '#coderd/organizations/organizations.repository.js';
import type { OrganizationTerm } from './log-search.js';

/** Coder's page size for the logs when `limit` is absent or 0. */
export const DEFAULT_LOG_LIMIT = 100;
/** Our largest page (Coder sets none; a page is read in one statement). */
export const MAX_LOG_LIMIT = 1000;

/** Offset pagination only, as Coder's logs are read: a cursor is refused rather than ignored. */
export function parseLogPage(req: AnyRequest): Pagination {
  const page = parsePagination(req, { defaultLimit: DEFAULT_LOG_LIMIT, maxLimit: MAX_LOG_LIMIT });
  if (page.afterId) {
    throw new ApiError(400, 'Query parameters have invalid values.', undefined, [
      { field: 'after_id', detail: 'The logs are paginated with offset and limit; after_id is not supported here.' },
    ]);
  }
  return { ...page, limit: page.limit || DEFAULT_LOG_LIMIT };
}

/** An `organization:` term as an id: a name must name an organization, else the query is refused. */
export async function organizationId(orgs: OrganizationsRepository, term: OrganizationTerm | undefined, message: string): Promise<string | undefined> {
  if (!term) return undefined;
  if (term.kind === 'id') return term.id;
  const org = await orgs.findByIdOrName(term.name);
  if (org) return org.id;
  throw new ApiError(400, message, undefined, [{ field: 'organization', detail: `Organization "${term.name}" either does not exist, or you are not allowed to view it.` }]);
}

/**
 * The SQL filter of the log rows `actor` may read (organization column `orgColumn`). Coder: no read
 * anywhere, site-wide or in any organization, is 403 rather than an empty list.
 */
export function readableLogs(authz: AuthzService, actor: Actor, type: 'audit_log' | 'connection_log', orgColumn: string): string {
  const authorized = authz.sqlFilter(actor, 'read', type, { org: orgColumn });
  if (authorized === 'FALSE') throw forbidden();
  return authorized;
}
