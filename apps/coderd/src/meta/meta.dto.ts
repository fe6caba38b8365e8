import type * as sdk from '#sdk/rbac.js';

export class BuildInfoResponse implements sdk.BuildInfoResponse {
  /** Where this build's source lives. */
  external_url: string;
  version: string;
  dashboard_url: string;
  workspace_proxy: boolean;
  agent_api_version: string;
  provisioner_api_version: string;
  upgrade_message: string;
  deployment_id: string;
  telemetry: boolean;
}

export class AuthorizationObject implements sdk.AuthorizationObject {
  resource_type: string;
  owner_id?: string;
  organization_id?: string;
  resource_id?: string;
  any_org?: boolean;
}
