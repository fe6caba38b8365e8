import { Module } from '@nestjs/common';
import { LoginController } from '../auth/login.controller.js';
import { LoginPageController } from '../auth/login-page.controller.js';
import { UsersModule } from '../users/users.module.js';
import { LoginService } from '../auth/login.service.js';
import { ApiKeysController } from './apikeys.controller.js';
import { ApiKeysService } from './apikeys.service.js';
import { ScopesController } from './scopes.controller.js';

/** Login/logout and API keys (sessions and tokens). */
@Module({
  imports: [UsersModule],
  controllers: [LoginController, LoginPageController, ApiKeysController, ScopesController],
  providers: [ApiKeysService, LoginService],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
