import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';
import { ApiError } from '#httpapi/api-error.js';
import type { Transition } from '#provisioner/template-document.js';
import { systemSubject } from '#rbac/subject.js';
import type { DeploymentConfig } from '../config/config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { TemplatesRepository } from '../templates/templates.repository.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { LifecycleRepository, type DueWorkspace, type LifecycleReason } from './lifecycle.repository.js';
import { nextAfter, parseWeeklySchedule } from './schedule.js';
import { WorkspaceBuilder } from './workspace-builder.js';

const SUBJECT = systemSubject('lifecycle-executor', 'system:lifecycle-executor');
const BATCH = 100;

const TRANSITION: Record<LifecycleReason, Transition | null> = {
  autodelete: 'delete',
  dormancy: 'stop',
  autostop: 'stop',
  failedstop: 'stop',
  autostart: 'start',
};

/**
 * Coder's lifecycle executor (facts 3.8): every CODER_AUTOBUILD_POLL_INTERVAL it builds what the
 * workspaces' schedules say is due, as the `system:lifecycle-executor` subject. Every replica runs
 * it: each workspace is acted on under its row lock (SKIP LOCKED) after deciding again, and the
 * builder refuses a second build while one is active, so a transition happens once.
 */
@Injectable()
export class LifecycleExecutor implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('lifecycle-executor');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly transitions: Counter<'reason'>;
  private readonly failures: Counter<'reason'>;

  constructor(
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly lifecycle: LifecycleRepository,
    private readonly templates: TemplatesRepository,
    private readonly builder: WorkspaceBuilder,
    metrics: MetricsService,
  ) {
    this.transitions = new Counter({
      name: 'coderd_lifecycle_executor_builds_total',
      help: 'Workspace builds (or dormancy marks) the lifecycle executor made, by reason.',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
    this.failures = new Counter({
      name: 'coderd_lifecycle_executor_failures_total',
      help: 'Due workspace transitions the lifecycle executor could not make, by reason (logged with the cause).',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.passLogged(), this.config.autobuildPollIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass at `now` (overlapping calls share the pass in progress); answers how many workspaces it acted on. */
  pass(now = new Date()): Promise<number> {
    this.running ??= this.passAt(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async passAt(now: Date): Promise<number> {
    let acted = 0;
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const due = await this.lifecycle.due(now, after, BATCH);
      for (const w of due) if (await this.act(w, now)) acted++;
      if (due.length < BATCH) return acted;
      after = due[due.length - 1].id;
    }
  }

  private async act(candidate: DueWorkspace, now: Date): Promise<boolean> {
    if (candidate.reason === 'autostart' && !(await this.startIsDue(candidate, now))) return false;
    try {
      const done = await this.ds.transaction(async (db) => {
        const w = await this.lifecycle.lockIfDue(db, candidate.id, now);
        if (!w) return false;
        const template = await this.templates.find(w.template_id, db);
        if (!template) return false;
        if (w.reason === 'dormancy') await this.lifecycle.markDormant(db, w.id, now);
        const target = { ...w, deleted: false, dormant_at: w.reason === 'dormancy' ? now.toISOString() : w.dormant_at };
        // Dormancy stops only a running workspace; one already stopped is just marked.
        if (w.reason !== 'dormancy' || (await this.lifecycle.isRunning(db, w.id))) {
          await this.builder.build(db, SUBJECT, w.owner_id, target, template, {
            transition: TRANSITION[w.reason]!,
            // Autostart of a workspace that follows the template takes its active version.
            templateVersionId: w.reason === 'autostart' && (w.automatic_updates === 'always' || template.require_active_version) ? template.active_version_id : undefined,
            reason: w.reason,
          });
        }
        return true;
      });
      if (done) this.transitions.inc({ reason: candidate.reason });
      return done;
    } catch (err) {
      this.failures.inc({ reason: candidate.reason });
      const why = err instanceof ApiError ? `${err.status} ${err.message}` : String(err);
      this.log.warn(`workspace ${candidate.id}: ${candidate.reason} not done: ${why}`);
      return false;
    } finally {
      if (candidate.reason === 'autostart') await this.advanceSchedule(candidate, now);
    }
  }

  /** Coder starts a stopped workspace only if a scheduled start falls between its last build and now. */
  private async startIsDue(w: DueWorkspace, now: Date): Promise<boolean> {
    try {
      const due = nextAfter(parseWeeklySchedule(w.autostart_schedule!), new Date(w.latest_build_created_at)) <= now;
      if (!due) await this.advanceSchedule(w, now);
      return due;
    } catch {
      await this.lifecycle.setNextStart(w.id, null);
      return false;
    }
  }

  private async advanceSchedule(w: DueWorkspace, now: Date): Promise<void> {
    await this.lifecycle.setNextStart(w.id, nextAfter(parseWeeklySchedule(w.autostart_schedule!), now));
  }

  private async passLogged(): Promise<void> {
    try {
      const n = await this.pass();
      if (n > 0) this.log.log(`acted on ${n} workspace(s)`);
    } catch (err) {
      this.log.error(`lifecycle executor pass failed: ${String(err)}`);
    }
  }
}
