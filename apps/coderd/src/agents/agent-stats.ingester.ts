import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';
import type { AgentStats } from './agent-reports.dto.js';
import { GroupCommit } from '#db/group-commit.js';
import { AgentStatsRepository, type AgentStatRow } from './agent-stats.repository.js';
import type { AgentWithWorkspace } from './agents.repository.js';

/** Rows per INSERT: the statement's arrays stay well inside one round trip. */
const MAX_BATCH = 2_000;

@Injectable()
export class AgentStatsIngester implements OnApplicationShutdown {
  private readonly batches: GroupCommit<{ row: AgentStatRow; used: boolean }>;
  private readonly log = new Logger('agent-stats');
  private readonly reports: Counter;
  private readonly batchSize: Histogram;
  private readonly failures: Counter;

  constructor(
    private readonly repo: AgentStatsRepository,
    metrics: MetricsService,
  ) {
    this.reports = new Counter({ name: 'coderd_agentstats_reports_total', help: 'Agent stats reports written by this replica.', registers: [metrics.registry] });
    this.failures = new Counter({ name: 'coderd_agentstats_batch_failures_total', help: 'Agent stats batches that failed to write (their reports were answered 500).', registers: [metrics.registry] });
    this.batchSize = new Histogram({
      name: 'coderd_agentstats_batch_size',
      help: 'Reports per agent stats INSERT.',
      buckets: [1, 4, 16, 64, 256, 1024, MAX_BATCH],
      registers: [metrics.registry],
    });
    this.batches = new GroupCommit((items) => this.repo.insertBatch(items.map((i) => i.row), [...new Set(items.filter((i) => i.used).map((i) => i.row.workspace_id))]), MAX_BATCH, {
      written: (n) => {
        this.reports.inc(n);
        this.batchSize.observe(n);
      },
      failed: (n, err) => {
        this.failures.inc();
        this.log.error(`writing ${n} agent stats reports failed: ${(err as Error).message}`);
      },
    });
  }

  /** Resolves once the report is stored. */
  report(agent: AgentWithWorkspace, s: AgentStats): Promise<void> {
    const row: AgentStatRow = {
      id: randomUUID(),
      created_at: new Date(),
      user_id: agent.owner_id,
      agent_id: agent.id,
      workspace_id: agent.workspace_id,
      template_id: agent.template_id,
      connections_by_proto: s.connections_by_proto ?? {},
      connection_count: s.connection_count ?? 0,
      rx_packets: s.rx_packets ?? 0,
      rx_bytes: s.rx_bytes ?? 0,
      tx_packets: s.tx_packets ?? 0,
      tx_bytes: s.tx_bytes ?? 0,
      connection_median_latency_ms: s.connection_median_latency_ms ?? -1,
      session_count_vscode: s.session_count_vscode ?? 0,
      session_count_jetbrains: s.session_count_jetbrains ?? 0,
      session_count_reconnecting_pty: s.session_count_reconnecting_pty ?? 0,
      session_count_ssh: s.session_count_ssh ?? 0,
    };
    // Coder counts a workspace as used when someone has a session in it, not for any traffic.
    const used = row.session_count_vscode + row.session_count_jetbrains + row.session_count_reconnecting_pty + row.session_count_ssh > 0;
    return this.batches.add({ row, used });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batches.flushed();
  }
}
