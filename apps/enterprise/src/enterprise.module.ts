import { Module, type DynamicModule } from '@nestjs/common';
import { ENTITLEMENTS } from '#entitlements/provider.js';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AUDITOR } from '#coderd/audit/auditor.js';
import { CONNECTION_LOGGER } from '#coderd/connectionlog/connection-logger.js';
import { CoreModule, type CoreOptions } from '#coderd/core.module.js';
import { AibridgeModule } from './aibridge/aibridge.module.js';
import { LicenseEntitlements } from './entitlements/license-entitlements.service.js';
import { GroupsModule } from './groups/groups.module.js';
import { LicensesModule } from './licenses/licenses.module.js';
import { LicensesRepository } from './licenses/licenses.repository.js';
import { AuditLogsRepository } from './logs/audit/audit-logs.repository.js';
import { SwitchedAuditor } from './logs/audit/switched-auditor.js';
import { ConnectionLogsRepository } from './logs/connections/connection-logs.repository.js';
import { SwitchedConnectionLogger } from './logs/connections/switched-connection-logger.js';
import { LogsModule } from './logs/logs.module.js';
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
            // The writers follow their features (the readers are LogsModule's routes).
            {
              provide: AUDITOR,
              useFactory: (e: LicenseEntitlements, ds: DataSource) => new SwitchedAuditor(e, new AuditLogsRepository(ds)),
              inject: [LicenseEntitlements, getDataSourceToken()],
            },
            {
              provide: CONNECTION_LOGGER,
              useFactory: (e: LicenseEntitlements, ds: DataSource) => new SwitchedConnectionLogger(e, new ConnectionLogsRepository(ds)),
              inject: [LicenseEntitlements, getDataSourceToken()],
            },
            ...(opts.providers ?? []),
          ],
        }),
        LicensesModule.register(),
        GroupsModule,
        MultiOrgModule.register(),
        AibridgeModule.register(),
        ExternalProvisionersModule,
        ExternalAgentsModule,
        LogsModule,
      ],
    };
  }
}
