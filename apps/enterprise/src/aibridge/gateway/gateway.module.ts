import { Module } from '@nestjs/common';

/** Placeholder until this part of AI Bridge is built. */
@Module({})
export class GatewayModule {}
