import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, mergeMap, type Observable } from 'rxjs';
import { Pubsub } from '#db/pubsub.js';
import { CHANGES_STATE } from '#httpapi/endpoint.js';

/**
 * A change is answered only after this replica has received what the database announced for it.
 * Triggers notify from inside the change's transaction (a member leaving a group ends their budget
 * override, for one), and code that made the change may not know every cache it touches; waiting
 * for the notifications to come back means none of this replica's caches is stale when the client
 * reads the answer. Reads pay nothing.
 */
@Injectable()
export class PubsubBarrierInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly pubsub: Pubsub,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.reflector.get<boolean>(CHANGES_STATE, ctx.getHandler())) return next.handle();
    return next.handle().pipe(mergeMap((body) => from(this.pubsub.barrier().then(() => body))));
  }
}
