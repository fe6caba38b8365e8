import { ViewColumn, ViewEntity } from 'typeorm';

/** Read-only: defined by the migration (group members plus every organization member as Everyone). */
@ViewEntity({ name: 'group_members_expanded', synchronize: false })
export class GroupMemberExpandedView {
  @ViewColumn({ name: 'user_id' }) userId: string;
  @ViewColumn({ name: 'group_id' }) groupId: string;
  @ViewColumn({ name: 'organization_id' }) organizationId: string;
  @ViewColumn({ name: 'group_name' }) groupName: string;
  @ViewColumn({ name: 'user_username' }) userUsername: string;
}
