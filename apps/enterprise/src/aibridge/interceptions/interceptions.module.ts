import { Module } from '@nestjs/common';
import { InterceptionsController } from './interceptions.controller.js';
import { InterceptionsRepository } from './interceptions.repository.js';
import { InterceptionsService } from './interceptions.service.js';

/** AI Bridge interceptions (feature `aibridge`): always mounted, 403 until a license entitles the feature. */
@Module({
  controllers: [InterceptionsController],
  providers: [InterceptionsRepository, InterceptionsService],
})
export class InterceptionsModule {}
