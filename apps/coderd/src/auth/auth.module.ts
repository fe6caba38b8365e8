import { Global, Module } from '@nestjs/common';
import { ApiKeysRepository } from '../apikeys/apikeys.repository.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { AuthRepository } from './auth.repository.js';
import { Authenticator } from './authenticator.service.js';
import { AuthzService } from './authz.service.js';

/** Authentication, authorization and the repositories every area reads. Global: every area needs them. */
@Global()
@Module({
  providers: [AuthRepository, ApiKeysRepository, UsersRepository, OrganizationsRepository, Authenticator, AuthzService],
  exports: [AuthRepository, ApiKeysRepository, UsersRepository, OrganizationsRepository, Authenticator, AuthzService],
})
export class AuthModule {}
