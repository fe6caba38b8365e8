import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/** One Prometheus registry for the whole server (global, so licensed modules register on it too). */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
