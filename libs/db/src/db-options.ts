import type { DataSourceOptions } from 'typeorm';
import { Init1732500000000 } from '#migrations/1732500000000-init.js';
import { Licenses1732600000000 } from '#migrations/1732600000000-licenses.js';
import { Aibridge1732700000000 } from '#migrations/1732700000000-aibridge.js';
import { AiBudgets1732800000000 } from '#migrations/1732800000000-ai-budgets.js';
import { AiBudgetNotify1732900000000 } from '#migrations/1732900000000-ai-budget-notify.js';
import { Workspaces1733000000000 } from '#migrations/1733000000000-workspaces.js';
import { WorkspaceListOrder1733100000000 } from '#migrations/1733100000000-workspace-list-order.js';
import { ProvisionerKeySecret1733200000000 } from '#migrations/1733200000000-provisioner-key-secret.js';
import { TemplateSettings1733300000000 } from '#migrations/1733300000000-template-settings.js';
import { WorkspaceAgents1733400000000 } from '#migrations/1733400000000-workspace-agents.js';
import { AgentReports1733500000000 } from '#migrations/1733500000000-agent-reports.js';
import { Tasks1733600000000 } from '#migrations/1733600000000-tasks.js';
import { AgentAuthNotify1733700000000 } from '#migrations/1733700000000-agent-auth-notify.js';
import { Oauth2Provider1733800000000 } from '#migrations/1733800000000-oauth2-provider.js';
import { Oauth2Protocol1733900000000 } from '#migrations/1733900000000-oauth2-protocol.js';
import { AuditConnectionLogs1734000000000 } from '#migrations/1734000000000-audit-connection-logs.js';
import { AiGatewayCoderdKeyEntity } from './entities/ai-gateway-coderd-key.entity.js';
import { AiModelPriceEntity } from './entities/ai-model-price.entity.js';
import { AiSpendTotalEntity } from './entities/ai-spend-total.entity.js';
import { GroupAiBudgetEntity } from './entities/group-ai-budget.entity.js';
import { UserAiBudgetOverrideEntity } from './entities/user-ai-budget-override.entity.js';
import { AiSeatStateEntity } from './entities/ai-seat-state.entity.js';
import { AibridgeInterceptionEntity } from './entities/aibridge-interception.entity.js';
import { AibridgeTokenUsageEntity } from './entities/aibridge-token-usage.entity.js';
import { AibridgeToolUsageEntity } from './entities/aibridge-tool-usage.entity.js';
import { AibridgeUserPromptEntity } from './entities/aibridge-user-prompt.entity.js';
import { ApiKeyEntity } from './entities/api-key.entity.js';
import { GroupMemberEntity } from './entities/group-member.entity.js';
import { GroupMemberExpandedView } from './entities/group-members-expanded.view.js';
import { GroupEntity } from './entities/group.entity.js';
import { LicenseEntity } from './entities/license.entity.js';
import { OrganizationMemberEntity } from './entities/organization-member.entity.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { SiteConfigEntity } from './entities/site-config.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { FileEntity } from './entities/file.entity.js';
import { TemplateEntity } from './entities/template.entity.js';
import { TemplateVersionEntity } from './entities/template-version.entity.js';
import { TemplateVersionParameterEntity } from './entities/template-version-parameter.entity.js';
import { TemplateVersionVariableEntity } from './entities/template-version-variable.entity.js';
import { WorkspaceAgentLogEntity, WorkspaceAgentLogSourceEntity } from './entities/workspace-agent-log.entity.js';
import { ProvisionerJobEntity } from './entities/provisioner-job.entity.js';
import { ProvisionerJobLogEntity } from './entities/provisioner-job-log.entity.js';
import { ProvisionerKeyEntity } from './entities/provisioner-key.entity.js';
import { ProvisionerDaemonEntity } from './entities/provisioner-daemon.entity.js';
import { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspaceBuildEntity } from './entities/workspace-build.entity.js';
import { WorkspaceBuildParameterEntity } from './entities/workspace-build-parameter.entity.js';
import { WorkspaceResourceEntity } from './entities/workspace-resource.entity.js';
import { WorkspaceResourceMetadataEntity } from './entities/workspace-resource-metadata.entity.js';
import { WorkspaceAgentEntity } from './entities/workspace-agent.entity.js';
import { WorkspaceAgentScriptEntity } from './entities/workspace-agent-script.entity.js';
import { TaskEntity } from './entities/task.entity.js';
import { Oauth2ProviderAppCodeEntity, Oauth2ProviderAppEntity, Oauth2ProviderAppSecretEntity, Oauth2ProviderAppTokenEntity } from './entities/oauth2-provider.entity.js';
import { WorkspaceAppStatusEntity } from './entities/workspace-app-status.entity.js';
import { WorkspaceAgentStatEntity } from './entities/workspace-agent-stat.entity.js';
import { WorkspaceAgentMetadataEntity } from './entities/workspace-agent-metadata.entity.js';
import { WorkspaceAgentScriptTimingEntity } from './entities/workspace-agent-script-timing.entity.js';
import { WorkspaceAppEntity } from './entities/workspace-app.entity.js';
import { AuditLogEntity } from './entities/audit-log.entity.js';
import { ConnectionLogEntity } from './entities/connection-log.entity.js';

export const ENTITIES = [
  UserEntity,
  OrganizationEntity,
  OrganizationMemberEntity,
  GroupEntity,
  GroupMemberEntity,
  GroupMemberExpandedView,
  ApiKeyEntity,
  SiteConfigEntity,
  LicenseEntity,
  AibridgeInterceptionEntity,
  AibridgeTokenUsageEntity,
  AibridgeUserPromptEntity,
  AibridgeToolUsageEntity,
  AiSeatStateEntity,
  AiGatewayCoderdKeyEntity,
  GroupAiBudgetEntity,
  UserAiBudgetOverrideEntity,
  AiModelPriceEntity,
  AiSpendTotalEntity,
  FileEntity,
  TemplateEntity,
  TemplateVersionEntity,
  TemplateVersionParameterEntity,
  TemplateVersionVariableEntity,
  WorkspaceAgentLogEntity,
  WorkspaceAgentLogSourceEntity,
  ProvisionerJobEntity,
  ProvisionerJobLogEntity,
  ProvisionerKeyEntity,
  ProvisionerDaemonEntity,
  WorkspaceEntity,
  WorkspaceBuildEntity,
  WorkspaceBuildParameterEntity,
  WorkspaceResourceEntity,
  WorkspaceResourceMetadataEntity,
  WorkspaceAgentEntity,
  WorkspaceAgentScriptEntity,
  WorkspaceAgentStatEntity,
  WorkspaceAgentMetadataEntity,
  WorkspaceAgentScriptTimingEntity,
  TaskEntity,
  Oauth2ProviderAppEntity,
  Oauth2ProviderAppSecretEntity,
  Oauth2ProviderAppCodeEntity,
  Oauth2ProviderAppTokenEntity,
  WorkspaceAppStatusEntity,
  WorkspaceAppEntity,
  AuditLogEntity,
  ConnectionLogEntity,
];

/** Listed explicitly (no globs) so the compiled ESM output and jest load the same classes. */
export const MIGRATIONS = [Init1732500000000, Licenses1732600000000, Aibridge1732700000000, AiBudgets1732800000000, AiBudgetNotify1732900000000, Workspaces1733000000000, WorkspaceListOrder1733100000000, ProvisionerKeySecret1733200000000, TemplateSettings1733300000000, WorkspaceAgents1733400000000, AgentReports1733500000000, Tasks1733600000000, AgentAuthNotify1733700000000, Oauth2Provider1733800000000, Oauth2Protocol1733900000000, AuditConnectionLogs1734000000000];

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Failed queries surface as exceptions; the HTTP layer logs the ones that become 500s.
    logging: false,
    extra: { max: poolSize },
  };
}
