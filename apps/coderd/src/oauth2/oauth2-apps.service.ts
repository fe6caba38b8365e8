import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { conflict, forbidden, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { isUniqueViolation } from '#db/pg-errors.js';
import { Authenticator } from '../auth/authenticator.service.js';
import { AuthzService } from '../auth/authz.service.js';
import type { DeploymentConfig } from '../config/config.js';
import { isUuid } from '../files/files.service.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { UsersService } from '../users/users.service.js';
import type { Oauth2AppRequest, Oauth2ProviderApp, Oauth2ProviderAppSecret, Oauth2ProviderAppSecretFull } from './oauth2-apps.dto.js';
import { APP_NAME_INDEX, Oauth2AppsRepository, type Oauth2AppRow } from './oauth2-apps.repository.js';
import { newOauth2Secret } from './oauth2-secret.js';

const APP = { type: 'oauth2_app' as const };
const SECRET = { type: 'oauth2_app_secret' as const };

/**
 * The management API of the OAuth2 provider (`/api/v2/oauth2-provider/apps`). Admin-registered apps
 * are confidential clients. A missing app is 404 here (the protocol endpoints answer RFC 6749's
 * 401 invalid_client instead).
 */
@Injectable()
export class Oauth2AppsService {
  constructor(
    private readonly apps: Oauth2AppsRepository,
    private readonly users: UsersService,
    private readonly authz: AuthzService,
    private readonly authenticator: Authenticator,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  async list(actor: Actor, userId?: string): Promise<Oauth2ProviderApp[]> {
    this.authz.requireRead(actor, APP);
    const user = userId === undefined ? undefined : await this.users.resolve(actor, userId);
    return (await this.apps.list(user?.id)).map((a) => this.toApp(a));
  }

  async get(actor: Actor, id: string): Promise<Oauth2ProviderApp> {
    return this.toApp(await this.resolve(actor, id));
  }

  async create(actor: Actor, req: Oauth2AppRequest): Promise<Oauth2ProviderApp> {
    this.authz.requireCreate(actor, APP, 'OAuth2 applications');
    const id = randomUUID();
    await this.unique(req.name, () => this.apps.insert({ id, ...fields(req) }));
    return this.toApp((await this.apps.find(id))!);
  }

  /** PUT: a missing icon is cleared, missing redirect URIs are kept, as in Coder. */
  async update(actor: Actor, id: string, req: Oauth2AppRequest): Promise<Oauth2ProviderApp> {
    const app = await this.resolve(actor, id);
    this.authz.require(actor, 'update', APP);
    await this.unique(req.name, () => this.apps.update(app.id, { ...fields(req), redirectUris: req.redirect_uris ?? app.redirect_uris }));
    return this.toApp((await this.apps.find(app.id))!);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const app = await this.resolve(actor, id);
    this.authz.require(actor, 'delete', APP);
    await this.authenticator.invalidate({ keyIds: await this.apps.delete(app.id) });
  }

  async secrets(actor: Actor, id: string): Promise<Oauth2ProviderAppSecret[]> {
    const app = await this.resolve(actor, id);
    // The app is visible to members, so refusing its secrets hides nothing: 403, not 404.
    if (!this.authz.can(actor, 'read', SECRET)) throw forbidden();
    return (await this.apps.secrets(app.id)).map((s) => ({ id: s.id, last_used_at: s.last_used_at, client_secret_truncated: s.display_secret }));
  }

  /** The whole secret is in this answer only; its sha256 is what is kept. */
  async createSecret(actor: Actor, id: string): Promise<Oauth2ProviderAppSecretFull> {
    const app = await this.resolve(actor, id);
    this.authz.requireCreate(actor, SECRET, 'OAuth2 application secrets');
    const secret = newOauth2Secret();
    const secretId = randomUUID();
    await this.apps.insertSecret({ id: secretId, appId: app.id, prefix: secret.prefix, hashed: secret.hashed, display: secret.display });
    return { id: secretId, client_secret_full: secret.full };
  }

  /** Deleting a secret revokes the tokens issued with it. */
  async deleteSecret(actor: Actor, id: string, secretId: string): Promise<void> {
    const app = await this.resolve(actor, id);
    if (!this.authz.can(actor, 'delete', SECRET)) throw forbidden();
    const revoked = isUuid(secretId) ? await this.apps.deleteSecret(app.id, secretId) : undefined;
    if (!revoked) throw notFound();
    await this.authenticator.invalidate({ keyIds: revoked });
  }

  private async resolve(actor: Actor, id: string): Promise<Oauth2AppRow> {
    this.authz.requireRead(actor, APP);
    const app = isUuid(id) ? await this.apps.find(id) : undefined;
    if (!app) throw notFound();
    return app;
  }

  private async unique(name: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (isUniqueViolation(err, APP_NAME_INDEX)) throw conflict(`OAuth2 application "${name}" already exists.`, undefined, [{ field: 'name', detail: 'This value is already in use and should be unique.' }]);
      throw err;
    }
  }

  private toApp(a: Oauth2AppRow): Oauth2ProviderApp {
    const base = this.config.accessUrl.replace(/\/+$/, '');
    return {
      id: a.id,
      name: a.name,
      callback_url: a.callback_url,
      redirect_uris: a.redirect_uris,
      icon: a.icon,
      endpoints: { authorization: `${base}/oauth2/authorize`, token: `${base}/oauth2/tokens`, device_authorization: '' },
    };
  }
}

/** The callback URL is also the first redirect URI, as in Coder. */
const fields = (req: Oauth2AppRequest) => ({
  name: req.name.trim(),
  icon: req.icon ?? '',
  callbackUrl: req.callback_url,
  redirectUris: req.redirect_uris ?? [req.callback_url],
});
