import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError, badRequest, forbidden } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { UUID_RE } from '#httpapi/pagination.js';
import type { RbacObject } from '#rbac/authorizer.js';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { isUniqueViolation } from '#db/pg-errors.js';
import { coderdKeyMatches, insertWithFreshKeys, parseCoderdKey } from './coderd-key-secret.js';
import type { AIGatewayCoderdKey, CreateAIGatewayCoderdKeyRequest, CreateAIGatewayCoderdKeyResponse } from './coderd-keys.dto.js';
import { CODERD_KEY_CONSTRAINTS, CoderdKeysRepository, type CoderdKeyRow } from './coderd-keys.repository.js';

export const CODERD_KEY_HEADER = 'Coder-AI-Gateway-Key';
const RESOURCE = 'ai_gateway_coderd_key';
/** Coder's ai_gateway_coderd_keys_name_check, plus the column's 64 characters. */
const NAME_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const NAME_MAX = 64;
const NAME_DETAIL =
  'Must be 64 characters or fewer, lowercase letters, numbers, and non-consecutive hyphens, and may not start or end with a hyphen.';

const invalidName = () => badRequest('Invalid key name.', undefined, [{ field: 'name', detail: NAME_DETAIL }]);
const nameTaken = () => badRequest('Key name must be unique.', undefined, [{ field: 'name', detail: 'A key with this name already exists.' }]);
const noKey = () => new ApiError(401, 'No AI Gateway key provided.', `Set the "${CODERD_KEY_HEADER}" header.`);
const invalidKey = () => new ApiError(401, 'Invalid AI Gateway key.');

const isSecretCollision = (err: unknown) => {
  return isUniqueViolation(err, CODERD_KEY_CONSTRAINTS.secretPrefix) || isUniqueViolation(err, CODERD_KEY_CONSTRAINTS.hashedSecret);
};

const toKey = (r: CoderdKeyRow): AIGatewayCoderdKey => ({
  id: r.id,
  name: r.name,
  key_prefix: r.secret_prefix,
  created_at: r.created_at,
  last_used_at: r.last_used_at,
});

/**
 * Keys with which standalone AI Gateway replicas authenticate to coderd (Coder's
 * enterprise/coderd/aigatewaycoderdkeys.go). Site-wide objects: only owners may manage them.
 */
@Injectable()
export class CoderdKeysService {
  constructor(
    private readonly keys: CoderdKeysRepository,
    private readonly authz: AuthzService,
    @Inject(AUDITOR) private readonly auditor: Auditor,
  ) {}

  async create(actor: Actor, req: CreateAIGatewayCoderdKeyRequest): Promise<CreateAIGatewayCoderdKeyResponse> {
    this.authz.requireCreate(actor, { type: RESOURCE }, 'AI Gateway coderd keys');
    const name = req.name;
    if (name.length > NAME_MAX || !NAME_RE.test(name)) throw invalidName();
    if (await this.keys.nameTaken(name)) throw nameTaken();
    const { row, key } = await insertWithFreshKeys(
      (k) => this.keys.insert({ id: randomUUID(), name, secretPrefix: k.prefix, hashedSecret: k.hashedSecret }),
      isSecretCollision,
    ).catch((err: unknown) => {
      // A concurrent create of the same name, or (never, after the check above) the name CHECK.
      if (isUniqueViolation(err, CODERD_KEY_CONSTRAINTS.name)) throw nameTaken();
      const e = (err as { driverError?: { code?: string; constraint?: string } }).driverError;
      if (e?.code === '23514' && e.constraint === CODERD_KEY_CONSTRAINTS.nameCheck) throw invalidName();
      throw err;
    });
    this.audit(actor, 'create', row);
    return { id: row.id, name: row.name, key: key.key, key_prefix: row.secret_prefix, created_at: row.created_at };
  }

  async list(actor: Actor): Promise<AIGatewayCoderdKey[]> {
    this.requireAllowed(actor, 'read', { type: RESOURCE });
    return (await this.keys.list()).map(toKey);
  }

  /** Idempotent: deleting a key that does not exist (any more) succeeds too. */
  async delete(actor: Actor, id: string): Promise<void> {
    if (!UUID_RE.test(id)) throw badRequest('Invalid key ID.', undefined, [{ field: 'id', detail: `"${id}" is not a valid UUID.` }]);
    this.requireAllowed(actor, 'delete', { type: RESOURCE, id: id.toLowerCase() });
    const deleted = await this.keys.delete(id);
    if (deleted) this.audit(actor, 'delete', deleted);
  }

  /**
   * Authenticates a presented key (the `Coder-AI-Gateway-Key` header), stamps its last use and
   * returns it. Any failure after "no header" is the same 401, so that nothing tells a wrong
   * secret from an unknown prefix.
   */
  async authenticate(presented: string | undefined): Promise<AIGatewayCoderdKey> {
    if (!presented) throw noKey();
    const parsed = parseCoderdKey(presented);
    if (!parsed) throw invalidKey();
    const found = await this.keys.findSecretByPrefix(parsed.prefix);
    if (!found || !coderdKeyMatches(parsed.secret, found.hashed_secret)) throw invalidKey();
    const used = await this.keys.markUsed(found.id);
    if (!used) throw invalidKey();
    return toKey(used);
  }

  /** Site-wide resource: a caller who may not act on it gets 403, never 404 (nothing to hide). */
  private requireAllowed(actor: Actor, action: 'read' | 'delete', object: RbacObject): void {
    if (!this.authz.can(actor, action, object)) throw forbidden();
  }

  private audit(actor: Actor, action: 'create' | 'delete', row: CoderdKeyRow): void {
    this.auditor.record({ action, resource_type: RESOURCE, resource_id: row.id, resource_target: row.name, user_id: actor.userId });
  }
}
