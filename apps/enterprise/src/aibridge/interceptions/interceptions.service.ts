import { Injectable } from '@nestjs/common';
import { COUNT_CAP } from '#db/capped-count.js';
import { ApiError } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import type { Pagination } from '#httpapi/pagination.js';
import type * as sdk from '#sdk/aibridge.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { UsersRepository } from '#coderd/users/users.repository.js';
import { userObject } from '#coderd/users/users.service.js';
import { toInterceptions } from './interception.mapper.js';
import { INVALID_SEARCH_MESSAGE, parseInterceptionSearch, type InitiatorTerm } from './interception-search.js';
import { INTERCEPTION_FILTER_COLUMNS, InterceptionsRepository } from './interceptions.repository.js';

/** Coder's page size for interceptions when `limit` is absent or 0. */
export const DEFAULT_INTERCEPTIONS_LIMIT = 100;
/** Coder's largest page of interceptions. */
export const MAX_INTERCEPTIONS_LIMIT = 1000;

/** Reading what AI Bridge recorded. Members may not read interceptions, not even their own (Coder's rule). */
@Injectable()
export class InterceptionsService {
  constructor(
    private readonly interceptions: InterceptionsRepository,
    private readonly users: UsersRepository,
    private readonly authz: AuthzService,
  ) {}

  async list(actor: Actor, q: string | undefined, page: Pagination): Promise<sdk.AIBridgeListInterceptionsResponse> {
    const { initiator, ...search } = parseInterceptionSearch(q);
    const filter = { ...search, initiatorId: await this.initiatorId(actor, initiator) };
    const authorized = this.authz.sqlFilter(actor, 'read', 'aibridge_interception', INTERCEPTION_FILTER_COLUMNS);
    const listing = await this.interceptions.list(
      filter,
      { afterId: page.afterId, limit: page.limit || DEFAULT_INTERCEPTIONS_LIMIT, offset: page.offset },
      authorized,
    );
    if (!listing.cursorFound) {
      throw new ApiError(400, 'Query parameters have invalid values.', undefined, [
        { field: 'after_id', detail: `Interception "${page.afterId}" either does not exist, or you are not allowed to view it.` },
      ]);
    }
    return { count: listing.count, count_cap: COUNT_CAP, results: toInterceptions(listing.rows, listing.children) };
  }

  /**
   * `me` is the caller and an id is taken as given (as Coder); a username must name a user the
   * caller may read, otherwise the query is refused without revealing whether the user exists.
   */
  private async initiatorId(actor: Actor, initiator: InitiatorTerm | undefined): Promise<string | undefined> {
    if (!initiator) return undefined;
    if (initiator.kind === 'me') return actor.userId;
    if (initiator.kind === 'id') return initiator.id;
    const user = await this.users.findByUsername(initiator.username);
    if (user && this.authz.can(actor, 'read', userObject(user))) return user.id;
    throw new ApiError(400, INVALID_SEARCH_MESSAGE, undefined, [
      { field: 'q', detail: `User "${initiator.username}" either does not exist, or you are not allowed to view them.` },
    ]);
  }
}
