// The one policy table: every resource type, the actions it supports and what each means.
// Roles, scopes (/api/v2/auth/scopes) and docs are derived from it, so nothing else may invent
// resource or action names (reference §5, Coder's coderd/rbac/policy/policy.go).

export const ACTIONS = [
  'create',
  'read',
  'update',
  'delete',
  'use',
  'ssh',
  'application_connect',
  'view_insights',
  'start',
  'stop',
  'assign',
  'unassign',
  'read_personal',
  'update_personal',
  'create_agent',
  'delete_agent',
  'update_agent',
  'share',
  'use_shared',
] as const;

export type Action = (typeof ACTIONS)[number];

interface ResourcePolicy {
  description: string;
  actions: Partial<Record<Action, string>>;
}

const crud = (what: string) =>
  ({
    create: `Create ${what}.`,
    read: `Read ${what}.`,
    update: `Update ${what}.`,
    delete: `Delete ${what}.`,
  }) as const;

// Workspaces and dormant workspaces share one action set (Coder does the same).
const workspaceActions = (what: string) =>
  ({
    ...crud(what),
    start: `Start ${what}.`,
    stop: `Stop ${what}.`,
    ssh: `SSH into ${what}.`,
    application_connect: `Connect to applications of ${what}.`,
    create_agent: `Create an agent for ${what}.`,
    delete_agent: `Delete an agent of ${what}.`,
    update_agent: `Update an agent of ${what}.`,
    share: `Share ${what} with other users or groups.`,
    use_shared: `Use ${what} that was shared with you.`,
  }) as const;

export const POLICY = {
  user: {
    description: 'A user account.',
    actions: {
      ...crud('a user'),
      read_personal: 'Read personal data of a user (e.g. git SSH key).',
      update_personal: 'Update personal data of a user (e.g. password, profile).',
    },
  },
  workspace: { description: 'A workspace.', actions: workspaceActions('a workspace') },
  workspace_dormant: {
    description: 'A workspace that is dormant and will be deleted after inactivity.',
    actions: workspaceActions('a dormant workspace'),
  },
  prebuilt_workspace: {
    description: 'A prebuilt workspace waiting to be claimed.',
    actions: { update: 'Update a prebuilt workspace.', delete: 'Delete a prebuilt workspace.' },
  },
  task: { description: 'An AI task run in a workspace.', actions: crud('a task') },
  chat: { description: 'An AI chat.', actions: { ...crud('a chat'), share: 'Share a chat.' } },
  workspace_proxy: { description: 'A workspace proxy.', actions: crud('a workspace proxy') },
  license: {
    description: 'An enterprise license.',
    actions: { create: 'Add a license.', read: 'Read licenses.', delete: 'Delete a license.' },
  },
  audit_log: {
    description: 'The audit log.',
    actions: { read: 'Read audit logs.', create: 'Create audit log entries.' },
  },
  connection_log: {
    description: 'The connection log.',
    actions: { read: 'Read connection logs.', update: 'Upsert connection log entries.' },
  },
  deployment_config: {
    description: 'The deployment configuration.',
    actions: { read: 'Read the deployment configuration.', update: 'Update the deployment configuration.' },
  },
  deployment_stats: { description: 'Deployment statistics.', actions: { read: 'Read deployment statistics.' } },
  replicas: { description: 'The replicas of this deployment.', actions: { read: 'Read replicas.' } },
  template: {
    description: 'A workspace template.',
    actions: {
      ...crud('a template'),
      use: 'Use a template to create a workspace.',
      view_insights: 'View insights of a template.',
    },
  },
  group: { description: 'A group of users.', actions: crud('a group') },
  group_member: { description: 'Membership of a group.', actions: { read: 'Read group members.' } },
  file: {
    description: 'An uploaded file (e.g. a template archive).',
    actions: { create: 'Upload a file.', read: 'Read a file.' },
  },
  provisioner_daemon: { description: 'A provisioner daemon.', actions: crud('a provisioner daemon') },
  provisioner_jobs: {
    description: 'A provisioner job.',
    actions: { read: 'Read provisioner jobs.', update: 'Update provisioner jobs.', create: 'Create provisioner jobs.' },
  },
  organization: { description: 'An organization.', actions: crud('an organization') },
  organization_member: { description: 'Membership of an organization.', actions: crud('an organization member') },
  debug_info: { description: 'Debug information of the deployment.', actions: { read: 'Read debug information.' } },
  system: { description: 'Internal system resources (deprecated).', actions: crud('system resources') },
  api_key: { description: 'An API key or session token.', actions: crud('an API key') },
  tailnet_coordinator: { description: 'The tailnet coordinator.', actions: crud('the tailnet coordinator') },
  assign_role: {
    description: 'Assignment of site-wide roles.',
    actions: {
      assign: 'Assign a site-wide role.',
      unassign: 'Unassign a site-wide role.',
      read: 'View site-wide roles.',
    },
  },
  assign_org_role: {
    description: 'Assignment and definition of organization roles.',
    actions: {
      assign: 'Assign an organization role.',
      unassign: 'Unassign an organization role.',
      create: 'Create a custom organization role.',
      read: 'View organization roles.',
      update: 'Update a custom organization role.',
      delete: 'Delete a custom organization role.',
    },
  },
  oauth2_app: { description: 'An OAuth2 application.', actions: crud('an OAuth2 application') },
  oauth2_app_secret: { description: 'A secret of an OAuth2 application.', actions: crud('an OAuth2 app secret') },
  oauth2_app_code_token: {
    description: 'An OAuth2 authorization code or token.',
    actions: { create: 'Create an OAuth2 code or token.', read: 'Read OAuth2 codes and tokens.', delete: 'Delete an OAuth2 code or token.' },
  },
  notification_message: { description: 'A notification message.', actions: crud('a notification message') },
  notification_template: {
    description: 'A notification template.',
    actions: { read: 'Read notification templates.', update: 'Update notification templates.' },
  },
  notification_preference: {
    description: "A user's notification preferences.",
    actions: { read: 'Read notification preferences.', update: 'Update notification preferences.' },
  },
  webpush_subscription: {
    description: 'A web push subscription.',
    actions: { create: 'Subscribe to web push.', read: 'Read web push subscriptions.', delete: 'Unsubscribe from web push.' },
  },
  inbox_notification: {
    description: 'An inbox notification.',
    actions: {
      create: 'Create an inbox notification.',
      read: 'Read inbox notifications.',
      update: 'Update an inbox notification (e.g. mark as read).',
    },
  },
  crypto_key: { description: 'A cryptographic key used by the deployment.', actions: crud('a crypto key') },
  idpsync_settings: {
    description: 'Identity provider sync settings.',
    actions: { read: 'Read IdP sync settings.', update: 'Update IdP sync settings.' },
  },
  workspace_agent_resource_monitor: {
    description: 'A resource monitor of a workspace agent.',
    actions: { read: 'Read resource monitors.', create: 'Create resource monitors.', update: 'Update resource monitors.' },
  },
  workspace_agent_devcontainers: {
    description: 'Dev containers of a workspace agent.',
    actions: { create: 'Create a dev container.' },
  },
  user_secret: { description: 'A secret owned by a user.', actions: crud('a user secret') },
  usage_event: {
    description: 'A usage event for billing.',
    actions: { create: 'Create usage events.', read: 'Read usage events.', update: 'Update usage events.' },
  },
  aibridge_interception: {
    description: 'An AI Bridge interception (a recorded LLM request).',
    actions: { read: 'Read interceptions.', update: 'Update interceptions.', create: 'Create interceptions.' },
  },
  ai_model_price: {
    description: 'Prices of AI models.',
    actions: { read: 'Read AI model prices.', update: 'Update AI model prices.' },
  },
  ai_provider: { description: 'An AI provider configuration.', actions: crud('an AI provider') },
  ai_seat: {
    description: 'A seat consumed by an AI user.',
    actions: { create: 'Record AI seat usage.', read: 'Read AI seats.' },
  },
  boundary_log: {
    description: 'A log entry of an agent boundary.',
    actions: { create: 'Create boundary logs.', read: 'Read boundary logs.', delete: 'Delete boundary logs.' },
  },
  ai_gateway_key: { description: 'An AI Gateway key.', actions: crud('an AI Gateway key') },
  ai_gateway_coderd_key: {
    description: 'A key that lets an AI Gateway talk to coderd.',
    actions: { create: 'Create an AI Gateway coderd key.', read: 'Read AI Gateway coderd keys.', delete: 'Delete an AI Gateway coderd key.' },
  },
  boundary_usage: {
    description: 'Usage statistics of agent boundaries.',
    actions: { read: 'Read boundary usage.', update: 'Update boundary usage.', delete: 'Delete boundary usage.' },
  },
  workspace_build_orchestration: {
    description: 'Orchestration of workspace builds.',
    actions: crud('workspace build orchestration'),
  },
} as const satisfies Record<string, ResourcePolicy>;

export type ResourceType = keyof typeof POLICY;

export const RESOURCE_TYPES = Object.keys(POLICY) as ResourceType[];

export function isResourceType(s: string): s is ResourceType {
  return Object.hasOwn(POLICY, s);
}

export function isValidAction(type: ResourceType, action: string): boolean {
  return isResourceType(type) && Object.hasOwn(POLICY[type].actions, action);
}

/** The actions a resource type supports, in table order. */
export function actionsOf(type: ResourceType): Action[] {
  return Object.keys(POLICY[type].actions) as Action[];
}
