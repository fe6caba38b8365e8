import { Injectable } from '@nestjs/common';
import { forbidden, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { Authorizer, type RbacObject } from '#rbac/authorizer.js';
import type { Action, ResourceType } from '#rbac/policy.js';
import type { Subject } from '#rbac/subject.js';

/** The one place services ask "may this actor do that?"; decisions are cached by the Authorizer. */
@Injectable()
export class AuthzService {
  readonly authorizer = new Authorizer();

  can(actor: Actor | Subject, action: Action, object: RbacObject): boolean {
    return this.authorizer.can(subjectOf(actor), action, object);
  }

  /**
   * Coder's convention: an object the caller may not read is "not found" (its existence is not
   * revealed); one it may read but not act on is "forbidden".
   */
  require(actor: Actor | Subject, action: Action, object: RbacObject): void {
    if (this.can(actor, action, object)) return;
    if (action !== 'read' && this.can(actor, 'read', object)) throw forbidden();
    throw notFound();
  }

  /**
   * Creating something that does not exist yet: the parent (user, organization) was already resolved
   * as readable, so a refusal is 403, never 404. `what` completes "You are not allowed to create ...".
   */
  requireCreate(actor: Actor | Subject, object: RbacObject, what: string): void {
    if (!this.can(actor, 'create', object)) throw forbidden(`You are not allowed to create ${what}.`);
  }

  /** 404 unless the actor may read it (use before acting on a looked-up row). */
  requireRead(actor: Actor | Subject, object: RbacObject): void {
    if (!this.can(actor, 'read', object)) throw notFound();
  }

  /** An SQL boolean expression selecting the rows the actor may `action`. */
  sqlFilter(actor: Actor | Subject, action: Action, type: ResourceType, columns: { id?: string; owner?: string; org?: string }): string {
    return this.authorizer.sqlFilter(subjectOf(actor), action, type, columns);
  }
}

function subjectOf(actor: Actor | Subject): Subject {
  return 'subject' in actor ? actor.subject : actor;
}
