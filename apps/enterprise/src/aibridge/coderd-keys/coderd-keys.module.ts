import { Module } from '@nestjs/common';
import { CoderdKeySelfController, CoderdKeysController } from './coderd-keys.controller.js';
import { CoderdKeysRepository } from './coderd-keys.repository.js';
import { CoderdKeysService } from './coderd-keys.service.js';

/**
 * AI Gateway coderd keys (feature `aibridge`): owners create, list and delete them; a standalone AI
 * Gateway authenticates with one (`GET .../coderd-keys/me`). Always mounted, 403 until entitled.
 */
@Module({
  controllers: [CoderdKeySelfController, CoderdKeysController],
  providers: [CoderdKeysRepository, CoderdKeysService],
  exports: [CoderdKeysService],
})
export class CoderdKeysModule {}
