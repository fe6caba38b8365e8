import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { DatabaseModule } from '#db/database.module.js';
import { Pubsub } from '#db/pubsub.js';
import { ApiExceptionFilter } from '#httpapi/exception-filter.js';
import { STATE_BARRIER } from '#httpapi/state-barrier.js';
import { createValidationPipe } from '#httpapi/validation.js';
import { AgplEntitlements, ENTITLEMENTS } from '#entitlements/provider.js';
import { FeatureGuard } from '#entitlements/require-feature.js';
import { EXPERIMENTS, ExperimentGuard } from '#httpapi/require-experiment.js';
import { configuredExperiments } from './config/experiments.js';
import { AgentsModule } from './agents/agents.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { McpModule } from './mcp/mcp.module.js';
import { Oauth2Module } from './oauth2/oauth2.module.js';
import { ApiKeysModule } from './apikeys/apikeys.module.js';
import { AUDITOR, NopAuditor } from './audit/auditor.js';
import { CONNECTION_LOGGER, NopConnectionLogger } from './connectionlog/connection-logger.js';
import { EntitlementsModule } from './entitlements/entitlements.module.js';
import { FilesModule } from './files/files.module.js';
import { EntitlementWarningsGuard } from './entitlements/warnings-header.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthGuard } from './auth/auth.guard.js';
import { RateLimitGuard } from './auth/rate-limit.guard.js';
import { PermissionGuard } from './auth/require-permission.js';
import type { DeploymentConfig } from './config/config.js';
import { MetaModule } from './meta/meta.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { ProvisionersModule } from './provisioners/provisioners.module.js';
import { Draining } from './server/draining.js';
import { RouteAuthAudit } from './server/route-auth-audit.js';
import { TemplatesModule } from './templates/templates.module.js';
import { WorkspacesModule } from './workspaces/workspaces.module.js';
import { DEPLOYMENT_CONFIG } from './tokens.js';
import { UsersModule } from './users/users.module.js';

export interface CoreOptions {
  config: DeploymentConfig;
  databaseUrl: string;
  /** Replacements for behaviour tokens (the enterprise server passes its implementations here). */
  providers?: Provider[];
}

/** The AGPL server. The enterprise server imports it and adds licensed modules around it. */
@Module({})
export class CoreModule {
  static forRoot(opts: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        DatabaseModule.forRoot({ url: opts.databaseUrl, poolSize: opts.config.pgConnMaxOpen, connectTimeoutMs: opts.config.pgConnectTimeoutMs }),
        DiscoveryModule,
        AuthModule,
        MetaModule,
        MetricsModule,
        UsersModule,
        ApiKeysModule,
        OrganizationsModule,
        EntitlementsModule,
        FilesModule,
        ProvisionersModule,
        TemplatesModule,
        WorkspacesModule,
        AgentsModule,
        TasksModule,
        Oauth2Module,
        McpModule,
      ],
      providers: [
        { provide: DEPLOYMENT_CONFIG, useValue: opts.config },
        // AGPL defaults of the behaviour the enterprise server replaces (opts.providers, below).
        { provide: ENTITLEMENTS, useClass: AgplEntitlements },
        { provide: AUDITOR, useClass: NopAuditor },
        { provide: CONNECTION_LOGGER, useClass: NopConnectionLogger },
        // Guards run in this order: who is calling (and, for admins, license warnings on every
        // response, refusals included), how often, whether its experiments are on, whether the license
        // allows the route.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: EntitlementWarningsGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: EXPERIMENTS, useFactory: (c: DeploymentConfig) => configuredExperiments(c), inject: [DEPLOYMENT_CONFIG] },
        { provide: APP_GUARD, useClass: ExperimentGuard },
        { provide: APP_GUARD, useClass: FeatureGuard },
        { provide: APP_GUARD, useClass: PermissionGuard },
        // Changes answer once this replica has its own notifications back (Endpoint attaches the interceptor).
        { provide: STATE_BARRIER, useExisting: Pubsub },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        RouteAuthAudit,
        Draining,
        ...(opts.providers ?? []),
      ],
      exports: [DEPLOYMENT_CONFIG, ENTITLEMENTS, AUDITOR, CONNECTION_LOGGER, STATE_BARRIER, Draining],
    };
  }
}
