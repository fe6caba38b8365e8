import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule, type CoreOptions } from '../../coderd/src/core.module.js';

/**
 * The enterprise server: the AGPL core plus licensed modules (each always mounted, answering 403
 * until a license entitles it). No licensed module exists yet; licenses come next.
 */
@Module({})
export class EnterpriseModule {
  static forRoot(opts: CoreOptions): DynamicModule {
    return {
      module: EnterpriseModule,
      imports: [CoreModule.forRoot({ ...opts, providers: [...(opts.providers ?? [])] })],
    };
  }
}
