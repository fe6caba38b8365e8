import { Module } from '@nestjs/common';
import { AuditLogsController } from './audit/audit-logs.controller.js';
import { AuditLogsRepository } from './audit/audit-logs.repository.js';
import { AuditLogsService } from './audit/audit-logs.service.js';
import { ConnectionLogsController } from './connections/connection-logs.controller.js';
import { ConnectionLogsRepository } from './connections/connection-logs.repository.js';
import { ConnectionLogsService } from './connections/connection-logs.service.js';

/**
 * Reading the audit log (feature `audit_log`) and the connection log (`connection_log`): always
 * mounted, 403 until licensed. The writers (auditor, connection logger) are installed by
 * EnterpriseModule in place of the AGPL no-ops.
 */
@Module({
  controllers: [AuditLogsController, ConnectionLogsController],
  providers: [AuditLogsRepository, AuditLogsService, ConnectionLogsRepository, ConnectionLogsService],
})
export class LogsModule {}
