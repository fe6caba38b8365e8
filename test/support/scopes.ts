/** Coder's seven composite scopes (reference §4), written out independently of libs/rbac, sorted. */
export const COMPOSITE_SCOPE_NAMES = [
  'coder:apikeys.manage_self',
  'coder:templates.author',
  'coder:templates.build',
  'coder:workspaces.access',
  'coder:workspaces.create',
  'coder:workspaces.delete',
  'coder:workspaces.operate',
] as const;
