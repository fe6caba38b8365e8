import { Module } from '@nestjs/common';
import { AuthCheckController } from './authcheck.controller.js';
import { DeploymentService } from './deployment.service.js';
import { MetaController } from './meta.controller.js';

@Module({
  controllers: [MetaController, AuthCheckController],
  providers: [DeploymentService],
  exports: [DeploymentService],
})
export class MetaModule {}
