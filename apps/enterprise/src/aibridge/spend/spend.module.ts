import { Module } from '@nestjs/common';

/** Placeholder until the spend and price routes are built. */
@Module({})
export class SpendModule {}
