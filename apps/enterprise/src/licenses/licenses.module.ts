import { Module, type DynamicModule } from '@nestjs/common';
import { MetaModule } from '#coderd/meta/meta.module.js';
import { LicensesController } from './licenses.controller.js';
import { LicensesRepository } from './licenses.repository.js';
import { LicensesService } from './licenses.service.js';

/** License management. The entitlements provider itself is registered with the core (ENTITLEMENTS). */
@Module({})
export class LicensesModule {
  static register(): DynamicModule {
    return { module: LicensesModule, imports: [MetaModule], controllers: [LicensesController], providers: [LicensesService, LicensesRepository] };
  }
}
