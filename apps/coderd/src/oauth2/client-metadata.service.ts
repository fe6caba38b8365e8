import { randomUUID } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Agent, request } from 'undici';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { validateClientMetadata } from './client-metadata-rules.js';
import { Oauth2ProtocolRepository, type ClientRow } from './oauth2-protocol.repository.js';
import { Oauth2RegistrationRepository } from './oauth2-registration.repository.js';
import { isPublicAddress } from './public-address.js';

/** A document is small; a client that needs more is not one we want to fetch for. */
const MAX_DOCUMENT_BYTES = 5 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
/** How long a fetched document is trusted before it is fetched again (a changed redirect URI takes effect then). */
const REFRESH_AFTER_MS = 60 * 60_000;

/**
 * OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client whose
 * client_id is an https URL is described by the JSON document at that URL, so an MCP client needs no
 * registration. It is a public client (PKCE, no secret). The fetch is bounded in time and size,
 * follows no redirects, and connects only to public addresses: the address check runs inside the
 * connection's own DNS lookup, so a name that resolves differently later cannot slip past it.
 */
@Injectable()
export class ClientMetadataService {
  private readonly logger = new Logger('oauth2');
  private readonly agent: Agent;

  constructor(
    private readonly clients: Oauth2ProtocolRepository,
    private readonly registrations: Oauth2RegistrationRepository,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {
    const allowPrivate = config.oauth2ClientMetadataAllowPrivate;
    this.agent = new Agent({
      connect: {
        timeout: FETCH_TIMEOUT_MS,
        lookup: (hostname, options, callback) =>
          dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
            const usable = err ? [] : allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
            const failure = err ?? (usable.length === 0 ? Object.assign(new Error(`${hostname} resolves to no public address`), { code: 'ENOTPUBLIC' }) : null);
            // Node asks for every address (happy eyeballs) or for one.
            const done = callback as (e: Error | null, address: string | LookupAddress[], family?: number) => void;
            if (failure) done(failure, options.all ? [] : '');
            else if (options.all) done(null, usable);
            else done(null, usable[0].address, usable[0].family);
          }),
      },
    });
  }

  /** The client a metadata document URL names; undefined when it is not a usable document URL or its document is not valid. */
  async resolve(clientId: string): Promise<ClientRow | undefined> {
    const url = this.documentUrl(clientId);
    if (!url) return undefined;
    const known = await this.registrations.byMetadataUrl(url);
    if (known && Date.now() - new Date(known.metadata_fetched_at).getTime() < REFRESH_AFTER_MS) return this.clients.client(known.id);
    const reg = await this.fetchDocument(url);
    if (!reg) return known ? this.clients.client(known.id) : undefined;
    const id = known?.id ?? randomUUID();
    if (known) await this.registrations.replace(id, reg, true);
    else await this.registrations.insert(id, reg, { metadataUrl: url });
    return this.clients.client(id);
  }

  /** An https URL with a path and no fragment, credentials or dot segments (http too, for private use). */
  private documentUrl(clientId: string): string | undefined {
    let u: URL;
    try {
      u = new URL(clientId);
    } catch {
      return undefined;
    }
    const schemeOk = u.protocol === 'https:' || (this.config.oauth2ClientMetadataAllowPrivate && u.protocol === 'http:');
    if (!schemeOk || u.hash || clientId.includes('#') || u.username || u.password || u.pathname === '/' || /\/\.\.?(\/|$)/.test(clientId)) return undefined;
    return clientId;
  }

  private async fetchDocument(url: string) {
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        headers: { accept: 'application/json' },
        headersTimeout: FETCH_TIMEOUT_MS,
        bodyTimeout: FETCH_TIMEOUT_MS,
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        return this.refuse(url, `answered ${res.statusCode}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_DOCUMENT_BYTES) {
          res.body.destroy();
          return this.refuse(url, `is larger than ${MAX_DOCUMENT_BYTES} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      if (doc?.client_id !== url) return this.refuse(url, 'names another client_id');
      const method = doc.token_endpoint_auth_method ?? 'none';
      if (method !== 'none') return this.refuse(url, `asks for ${String(method)}: only public clients (none) are supported`);
      const reg = validateClientMetadata({ ...doc, token_endpoint_auth_method: 'none' });
      if ('problem' in reg) return this.refuse(url, reg.problem);
      return reg;
    } catch (err) {
      return this.refuse(url, `could not be fetched: ${(err as Error).message}`);
    }
  }

  private refuse(url: string, why: string): undefined {
    this.logger.warn(`Client ID Metadata Document ${url} ${why}`);
    return undefined;
  }
}
