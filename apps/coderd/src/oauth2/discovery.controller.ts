import { Controller, Inject } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Endpoint } from '#httpapi/endpoint.js';
import { RequireExperiment } from '#httpapi/require-experiment.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { authorizationServerMetadata, protectedResourceMetadata } from './discovery.js';
import { OAuth2AuthorizationServerMetadata, OAuth2ProtectedResourceMetadata } from './oauth2-protocol.dto.js';

/**
 * RFC 8414 and RFC 9728 documents, served at the root and under any sub-path (clients ask at
 * `/.well-known/oauth-protected-resource/<resource path>` first). Built once: they depend only on
 * the access URL.
 */
@ApiTags('OAuth2')
@RequireExperiment('oauth2')
@Controller('.well-known')
export class DiscoveryController {
  private readonly server: OAuth2AuthorizationServerMetadata;
  private readonly resource: OAuth2ProtectedResourceMetadata;

  constructor(@Inject(DEPLOYMENT_CONFIG) config: DeploymentConfig) {
    this.server = Object.freeze(authorizationServerMetadata(config.accessUrl));
    this.resource = Object.freeze(protectedResourceMetadata(config.accessUrl));
  }

  @Endpoint('GET', 'oauth-authorization-server', { id: 'getOAuth2AuthorizationServerMetadata', summary: 'OAuth2 authorization server metadata', description: 'RFC 8414.', response: OAuth2AuthorizationServerMetadata, public: true })
  authorizationServer(): OAuth2AuthorizationServerMetadata {
    return this.server;
  }

  @ApiParam({ name: 'path', description: 'Any path; the document is the same.' })
  @Endpoint('GET', 'oauth-authorization-server/*', { id: 'getOAuth2AuthorizationServerMetadataForPath', summary: 'OAuth2 authorization server metadata (sub-path)', description: 'The same document, for clients that append the issuer\'s path.', response: OAuth2AuthorizationServerMetadata, public: true })
  authorizationServerForPath(): OAuth2AuthorizationServerMetadata {
    return this.server;
  }

  @Endpoint('GET', 'oauth-protected-resource', { id: 'getOAuth2ProtectedResourceMetadata', summary: 'OAuth2 protected resource metadata', description: 'RFC 9728: the deployment is the resource; its authorization server is itself.', response: OAuth2ProtectedResourceMetadata, public: true })
  protectedResource(): OAuth2ProtectedResourceMetadata {
    return this.resource;
  }

  @ApiParam({ name: 'path', description: 'The resource path asked about (any); the document is the same.' })
  @Endpoint('GET', 'oauth-protected-resource/*', { id: 'getOAuth2ProtectedResourceMetadataForPath', summary: 'OAuth2 protected resource metadata (sub-path)', description: 'The same document for any resource path under the deployment (the MCP endpoint\'s included).', response: OAuth2ProtectedResourceMetadata, public: true })
  protectedResourceForPath(): OAuth2ProtectedResourceMetadata {
    return this.resource;
  }
}
