import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError, badRequest, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { ENTITLEMENTS } from '#entitlements/provider.js';
import { decodeLicenseUnverified, LicenseError, verifyLicense } from '#entitlements/verify.js';
import { AUDITOR, type Auditor } from '#coderd/audit/auditor.js';
import { DeploymentService } from '#coderd/meta/deployment.service.js';
import { isUniqueViolation } from '#db/pg-errors.js';
import { LicenseEntitlements } from '../entitlements/license-entitlements.service.js';
import type { License } from './licenses.dto.js';
import { LicensesRepository, type LicenseRow } from './licenses.repository.js';

/** A manual refresh is refused (429) when the last one on this replica was this recent. */
const REFRESH_COOLDOWN_MS = 60_000;

/** Uploading, listing and deleting licenses. Each change recomputes entitlements on every replica. */
@Injectable()
export class LicensesService {
  private lastManualRefresh = 0;

  constructor(
    private readonly licenses: LicensesRepository,
    private readonly deployment: DeploymentService,
    @Inject(ENTITLEMENTS) private readonly entitlements: LicenseEntitlements,
    @Inject(AUDITOR) private readonly auditor: Auditor,
  ) {}

  /** Callers are authorized by the route (@RequirePermission on license create/read/delete). */
  async add(actor: Actor, jwt: string): Promise<License> {
    let claims;
    try {
      // Future-dated licenses are accepted now and count from their start (Coder's ParseClaimsIgnoreNbf).
      claims = await verifyLicense(jwt.trim(), this.entitlements.trustedKeys, { now: new Date(), ignoreNbf: true });
    } catch (err) {
      if (err instanceof LicenseError) throw badRequest('Invalid license', err.message);
      throw err;
    }
    const ids = claims.deployment_ids ?? [];
    if (ids.length > 0 && !ids.includes(this.deployment.deploymentId)) {
      throw badRequest('License cannot be used on this deployment!', `This deployment's id is ${this.deployment.deploymentId}.`);
    }
    const uuid = typeof claims.jti === 'string' && /^[0-9a-f-]{36}$/i.test(claims.jti) ? claims.jti : randomUUID();
    const row = await this.licenses.insert(jwt.trim(), new Date((claims.exp ?? 0) * 1000), uuid).catch((err: unknown) => {
      if (isUniqueViolation(err)) throw new ApiError(409, 'This license has already been added.');
      throw err;
    });
    await this.entitlements.announce('add');
    // As Coder: the license's uuid is the resource, its number the target.
    this.auditor.record({ action: 'create', resource_type: 'license', resource_id: row.uuid, resource_target: String(row.id), user_id: actor.userId, new: row });
    return toLicense(row, claims);
  }

  async list(): Promise<License[]> {
    // Claims as uploaded (verified then); listed even once they no longer verify, like Coder.
    return (await this.licenses.list()).map((row) => toLicense(row, claimsOf(row.jwt)));
  }

  async delete(actorId: string, idParam: string): Promise<void> {
    const id = /^\d{1,9}$/.test(idParam) ? Number(idParam) : NaN;
    const row = Number.isNaN(id) ? undefined : await this.licenses.delete(id);
    if (!row) throw notFound();
    // Recorded before the entitlements change: deleting the license that enabled the audit log is audited.
    this.auditor.record({ action: 'delete', resource_type: 'license', resource_id: row.uuid, resource_target: String(row.id), user_id: actorId, old: row });
    await this.entitlements.announce('delete');
  }

  async refresh(): Promise<void> {
    const wait = this.lastManualRefresh + REFRESH_COOLDOWN_MS - Date.now();
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new ApiError(429, 'Entitlements were refreshed recently.', `Try again in ${seconds} seconds.`, undefined, { 'Retry-After': String(seconds) });
    }
    this.lastManualRefresh = Date.now();
    await this.entitlements.announce('refresh');
  }
}

function toLicense(row: LicenseRow, claims: Record<string, unknown>): License {
  return { id: row.id, uuid: row.uuid, uploaded_at: row.uploaded_at.toISOString(), claims };
}

function claimsOf(jwt: string): Record<string, unknown> {
  try {
    return decodeLicenseUnverified(jwt);
  } catch {
    return {};
  }
}
