import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError, badRequest, conflict, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { UUID_RE } from '#httpapi/pagination.js';
import { PROVISIONER_KEY_HEADER } from '#provisioner/protocol.js';
import { hashSecret, randomString } from '#coderd/apikeys/api-key-secret.js';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { OrganizationsService } from '#coderd/organizations/organizations.service.js';
import { DaemonsRepository, RESERVED_KEY_NAMES, USER_AUTH_KEY_ID, type DaemonIdentity } from '#coderd/provisioners/daemons.repository.js';
import { toProvisionerDaemon } from '#coderd/provisioners/job.mapper.js';
import { isUniqueViolation } from '#db/pg-errors.js';
import type { CreateProvisionerKeyRequest, CreateProvisionerKeyResponse, ProvisionerKey, ProvisionerKeyDaemons } from './provisioner-keys.dto.js';
import { KEY_NAME_INDEX, ProvisionerKeysRepository, type ProvisionerKeyRow } from './provisioner-keys.repository.js';

/** Coder's provisionerkey secret length. */
export const KEY_SECRET_LENGTH = 43;
const NAME_MAX = 64;
const RESERVED_NAMES = Object.values(RESERVED_KEY_NAMES);
/** GET .../provisionerkeys/daemons lists daemons of each key; an organization has far fewer. */
const DAEMONS_PER_ORGANIZATION = 10_000;

const invalidName = (message: string) => badRequest(message, undefined, [{ field: 'name', detail: message }]);
const isReserved = (name: string) => RESERVED_NAMES.some((r) => r.toLowerCase() === name.toLowerCase());

export const toProvisionerKey = (r: ProvisionerKeyRow): ProvisionerKey => ({
  id: r.id,
  created_at: r.created_at,
  organization: r.organization_id,
  name: r.name,
  tags: r.tags ?? {},
});

/**
 * Provisioner keys (Coder's enterprise/coderd/provisionerkeys.go), the credentials of external
 * provisioner daemons. Authorised as provisioner daemons of the key's organization: creating a key
 * needs provisioner_daemon create, listing read, deleting delete.
 */
@Injectable()
export class ProvisionerKeysService {
  constructor(
    private readonly keys: ProvisionerKeysRepository,
    private readonly daemons: DaemonsRepository,
    private readonly orgs: OrganizationsService,
    private readonly authz: AuthzService,
    @Inject(AUDITOR) private readonly auditor: Auditor,
  ) {}

  async create(actor: Actor, orgParam: string, req: CreateProvisionerKeyRequest): Promise<CreateProvisionerKeyResponse> {
    const org = await this.orgs.resolve(actor, orgParam);
    this.authz.requireCreate(actor, { type: 'provisioner_daemon', orgId: org.id }, 'provisioner keys');
    const name = req.name;
    if (name === undefined || name === null || name === '') throw invalidName('Name is required');
    if (typeof name !== 'string') throw invalidName('Name must be a string');
    if (name.length > NAME_MAX) throw invalidName(`Name must be at most ${NAME_MAX} characters`);
    if (isReserved(name)) throw invalidName(`Name cannot be reserved name '${name}'`);
    const tags = checkTags(req.tags);
    const secret = randomString(KEY_SECRET_LENGTH);
    const row = await this.keys
      .insert({ id: randomUUID(), organizationId: org.id, name, hashedSecret: hashSecret(secret), tags })
      .catch((err: unknown) => {
        if (isUniqueViolation(err, KEY_NAME_INDEX)) throw conflict(`Provisioner key with name '${name}' already exists in organization`);
        throw err;
      });
    this.audit(actor, 'create', row);
    return { key: secret };
  }

  /** The organization's keys, oldest first, without the reserved ones. */
  async list(actor: Actor, orgParam: string): Promise<ProvisionerKey[]> {
    const org = await this.orgs.resolve(actor, orgParam);
    this.authz.requireRead(actor, { type: 'provisioner_daemon', orgId: org.id });
    return (await this.keys.list(org.id, { includeReserved: false })).map(toProvisionerKey);
  }

  /**
   * Every key of the organization, the reserved ones included (user-auth always, as Coder lists it
   * for every organization), each with the daemons that authenticated with it and are online.
   */
  async listDaemons(actor: Actor, orgParam: string): Promise<ProvisionerKeyDaemons[]> {
    const org = await this.orgs.resolve(actor, orgParam);
    this.authz.requireRead(actor, { type: 'provisioner_daemon', orgId: org.id });
    const [rows, daemons] = await Promise.all([
      this.keys.list(org.id, { includeReserved: true }),
      this.daemons.list(org.id, { includeOffline: false, limit: DAEMONS_PER_ORGANIZATION }),
    ]);
    const keys = rows.map(toProvisionerKey);
    if (!keys.some((k) => k.id === USER_AUTH_KEY_ID)) {
      keys.push({ id: USER_AUTH_KEY_ID, created_at: '0001-01-01T00:00:00Z', organization: org.id, name: RESERVED_KEY_NAMES[USER_AUTH_KEY_ID], tags: {} });
    }
    return keys.map((key) => ({ key, daemons: daemons.filter((d) => d.key_id === key.id).map(toProvisionerDaemon) }));
  }

  /** Deletes a key by name; the daemons registered with it are removed and its next request is refused. */
  async delete(actor: Actor, orgParam: string, name: string): Promise<void> {
    const org = await this.orgs.resolve(actor, orgParam);
    this.authz.requireRead(actor, { type: 'provisioner_daemon', orgId: org.id });
    if (isReserved(name)) throw badRequest(`Cannot delete reserved '${name}' provisioner key`);
    const key = await this.keys.byName(org.id, name);
    if (!key) throw notFound();
    this.authz.require(actor, 'delete', { type: 'provisioner_daemon', orgId: org.id });
    await this.keys.delete(key.id);
    this.audit(actor, 'delete', key);
  }

  /**
   * The key a daemon presents in the `Coder-Provisioner-Daemon-Key` header. Checked on every
   * request (one indexed lookup), so a deleted key stops working at once on every replica.
   */
  async authenticate(presented: string | undefined): Promise<ProvisionerKeyRow> {
    const key = await this.keys.bySecretHash(secretHash(presented));
    if (!key) throw invalidKey();
    return key;
  }

  /**
   * The daemon a message of the daemon protocol comes from: it must have registered with the key
   * presented (401 for a bad key, 404 for a daemon of another key or none: register again).
   */
  async daemon(presented: string | undefined, daemonId: string): Promise<DaemonIdentity> {
    const found = await this.keys.daemonOfKey(secretHash(presented), UUID_RE.test(daemonId) ? daemonId : null);
    if (!found) throw invalidKey();
    if (!found.daemon) throw notFound('No provisioner daemon with this id is registered with this key; register again.');
    return found.daemon;
  }

  private audit(actor: Actor, action: 'create' | 'delete', row: ProvisionerKeyRow): void {
    this.auditor.record({ action, resource_type: 'provisioner_key', resource_id: row.id, resource_target: row.name, user_id: actor.userId });
  }
}

const invalidKey = () => new ApiError(401, 'provisioner daemon key invalid');

/** The sha256 a presented key is looked up by; a missing or malformed key is refused before any query. */
function secretHash(presented: string | undefined): Buffer {
  if (!presented) throw new ApiError(401, 'provisioner daemon key required', `Set the "${PROVISIONER_KEY_HEADER}" header.`);
  if (presented.length !== KEY_SECRET_LENGTH) throw invalidKey();
  return hashSecret(presented);
}

/** Tags must be an object of strings; each bad value gets its own validation. */
function checkTags(tags: unknown): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  if (typeof tags !== 'object' || Array.isArray(tags)) throw badRequest('Invalid tags.', undefined, [{ field: 'tags', detail: 'Must be an object of strings.' }]);
  const bad = Object.entries(tags).filter(([, v]) => typeof v !== 'string');
  if (bad.length) throw badRequest('Invalid tags.', undefined, bad.map(([k]) => ({ field: `tags.${k}`, detail: 'Must be a string.' })));
  return tags as Record<string, string>;
}
