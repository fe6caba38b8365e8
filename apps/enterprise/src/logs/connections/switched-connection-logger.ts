import { Logger } from '@nestjs/common';
import { FeatureSwitch } from '#entitlements/feature-switch.js';
import type { EntitlementsProvider } from '#entitlements/provider.js';
import { NopConnectionLogger, type ConnectionEvent, type ConnectionLogger } from '#coderd/connectionlog/connection-logger.js';
import type { ConnectionLogsRepository } from './connection-logs.repository.js';

/** The licensed connection logger: every event into connection_logs. */
export class DbConnectionLogger implements ConnectionLogger {
  readonly kind = 'database';
  private readonly logger = new Logger('connection-log');

  constructor(private readonly repo: ConnectionLogsRepository) {}

  async log(event: ConnectionEvent): Promise<void> {
    // The session went on whether or not it was logged: a failed write is the operator's to see, not the agent's.
    await this.repo.upsert(event).catch((err: unknown) => this.logger.error(`writing the connection log failed: ${String(err)}`));
  }
}

/** The CONNECTION_LOGGER the enterprise server installs: the connection log while connection_log is enabled. */
export class SwitchedConnectionLogger implements ConnectionLogger {
  private readonly switch: FeatureSwitch<ConnectionLogger>;

  constructor(entitlements: EntitlementsProvider, repo: ConnectionLogsRepository) {
    this.switch = new FeatureSwitch<ConnectionLogger>('connection_log', new DbConnectionLogger(repo), new NopConnectionLogger(), entitlements);
  }

  get kind(): string {
    return this.switch.active.kind;
  }

  log(event: ConnectionEvent): Promise<void> {
    return this.switch.active.log(event);
  }
}
