import { Inject, Injectable, type CallHandler, type NestInterceptor } from '@nestjs/common';
import { from, mergeMap, type Observable } from 'rxjs';

/** Resolves once this replica has received every notification committed before the call. */
export interface StateBarrier {
  barrier(): Promise<void>;
}
/** Provided by the server (the database's pubsub). */
export const STATE_BARRIER = Symbol('STATE_BARRIER');

/**
 * A change is answered only after this replica has received what the database announced for it.
 * Triggers notify from inside the change's transaction (a member leaving a group ends their budget
 * override, for one), and code that made the change may not know every cache it touches; waiting
 * for the notifications to come back means none of this replica's caches is stale when the client
 * reads the answer. Attached by `Endpoint` to the routes that change state only, so reads do not
 * even pass through an interceptor.
 */
@Injectable()
export class StateBarrierInterceptor implements NestInterceptor {
  constructor(@Inject(STATE_BARRIER) private readonly state: StateBarrier) {}

  intercept(_ctx: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(mergeMap((body) => from(this.state.barrier().then(() => body))));
  }
}
