import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ClientMetadataService } from './client-metadata.service.js';
import { DiscoveryController } from './discovery.controller.js';
import { Oauth2AppsController } from './oauth2-apps.controller.js';
import { Oauth2AppsRepository } from './oauth2-apps.repository.js';
import { Oauth2AppsService } from './oauth2-apps.service.js';
import { Oauth2AuthorizeController } from './oauth2-authorize.controller.js';
import { Oauth2AuthorizeService } from './oauth2-authorize.service.js';
import { Oauth2ClientAuth } from './oauth2-client-auth.service.js';
import { CORS_PATHS, Oauth2CorsMiddleware } from './oauth2-cors.middleware.js';
import { Oauth2ProtocolRepository } from './oauth2-protocol.repository.js';
import { Oauth2RegistrationController } from './oauth2-registration.controller.js';
import { Oauth2RegistrationRepository } from './oauth2-registration.repository.js';
import { Oauth2RegistrationService } from './oauth2-registration.service.js';
import { Oauth2TokensController } from './oauth2-tokens.controller.js';
import { Oauth2TokensService } from './oauth2-tokens.service.js';

/**
 * The OAuth2 provider (behind the `oauth2` experiment): the apps API, the protocol endpoints
 * (authorize, tokens, revoke, registration), and discovery.
 */
@Module({
  imports: [UsersModule],
  controllers: [Oauth2AppsController, Oauth2AuthorizeController, Oauth2TokensController, Oauth2RegistrationController, DiscoveryController],
  providers: [
    Oauth2AppsRepository,
    Oauth2AppsService,
    Oauth2ProtocolRepository,
    Oauth2RegistrationRepository,
    ClientMetadataService,
    Oauth2ClientAuth,
    Oauth2AuthorizeService,
    Oauth2TokensService,
    Oauth2RegistrationService,
  ],
})
export class Oauth2Module implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(Oauth2CorsMiddleware).forRoutes(...CORS_PATHS.map((path) => ({ path, method: RequestMethod.ALL })));
  }
}
