import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { Oauth2AppsController } from './oauth2-apps.controller.js';
import { Oauth2AppsRepository } from './oauth2-apps.repository.js';
import { Oauth2AppsService } from './oauth2-apps.service.js';

/** The OAuth2 provider (behind the `oauth2` experiment): apps and their secrets so far. */
@Module({
  imports: [UsersModule],
  controllers: [Oauth2AppsController],
  providers: [Oauth2AppsRepository, Oauth2AppsService],
})
export class Oauth2Module {}
