import { Module, type DynamicModule } from '@nestjs/common';
import { ENTITLEMENTS } from '#entitlements/provider.js';
import { AUDITOR } from '#coderd/audit/auditor.js';
import { CoreModule, type CoreOptions } from '#coderd/core.module.js';
import { AibridgeModule } from './aibridge/aibridge.module.js';
import { SwitchedAuditor } from './audit/switched-auditor.js';
import { LicenseEntitlements } from './entitlements/license-entitlements.service.js';
import { GroupsModule } from './groups/groups.module.js';
import { LicensesModule } from './licenses/licenses.module.js';
import { LicensesRepository } from './licenses/licenses.repository.js';
import { MultiOrgModule } from './organizations/multi-org.module.js';
import { ExternalProvisionersModule } from './provisioners/provisioners.module.js';
import { ExternalAgentsModule } from './workspaces/external-agents.module.js';

/**
 * The enterprise server: the AGPL core with license-backed entitlements and licensed behaviour
 * behind the core's tokens, plus the licensed modules. Every licensed module is always mounted and
 * answers 403 until a license entitles its feature (@RequireFeature).
 */
@Module({})
export class EnterpriseModule {
  static forRoot(opts: CoreOptions): DynamicModule {
    return {
      module: EnterpriseModule,
      imports: [
        CoreModule.forRoot({
          ...opts,
          providers: [
            LicensesRepository,
            LicenseEntitlements,
            { provide: ENTITLEMENTS, useExisting: LicenseEntitlements },
            { provide: AUDITOR, useFactory: (e: LicenseEntitlements) => new SwitchedAuditor(e), inject: [LicenseEntitlements] },
            ...(opts.providers ?? []),
          ],
        }),
        LicensesModule.register(),
        GroupsModule,
        MultiOrgModule.register(),
        AibridgeModule.register(),
        ExternalProvisionersModule,
        ExternalAgentsModule,
      ],
    };
  }
}
