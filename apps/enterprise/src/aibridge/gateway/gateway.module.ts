import { Module } from '@nestjs/common';
import { BudgetsModule } from '../budgets/budgets.module.js';
import { InterceptionRecorder } from '../recording/recorder.service.js';
import { RecordingRepository } from '../recording/recording.repository.js';
import { RetentionService } from '../recording/retention.service.js';
import { GatewayController } from './gateway.controller.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { GatewayService } from './gateway.service.js';

/** The gateway (data plane), the recorder behind it, and the retention of what it recorded. */
@Module({
  imports: [BudgetsModule],
  controllers: [GatewayController],
  providers: [GatewayService, GatewayMetrics, InterceptionRecorder, RecordingRepository, RetentionService],
  exports: [InterceptionRecorder, GatewayService, RetentionService],
})
export class GatewayModule {}
