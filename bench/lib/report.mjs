// Turns a results object into the markdown report and the derived checks against the targets.

/** Targets from the foundation issue (see bench/README.md). */
export const TARGETS = {
  meVsHealthzPct: 55, // authenticated /users/me throughput >= 50% of /healthz, with margin: 55%
  meP99Ms: 15,
  usersP99Ms: 30,
  coldStartS: 10,
  warmRestartS: 5,
  meTxnsPerRequest: 0.05, // "no database round trip per authenticated request": expect ~0
  scopedVsUnscopedPct: 90, // a scoped, allow-listed token costs at most 10% of /users/me throughput
  gatewayAddedP50Ms: 0.5, // AI Bridge: added latency of a blocking request at 100 req/s
  gatewayAddedP99Ms: 5,
  gatewayFirstByteAddedMs: 2, // AI Bridge: added time to a stream's first byte (p50)
  gatewayReqPerSec: 1000, // intercepted and recorded requests per second
  budgetAddedP50Ms: 0.5, // AI budgets: enforced vs not, same run
  licensedVsGatePct: 30, // a licensed read (GET /groups/{id}, one query) vs its 403 gate
  workspacesP99Ms: 30, // GET /workspaces?limit=25 with 10,000 workspaces
  workspacesTxnsPerRequest: 1.05, // one query per page
  buildsPerSec: 50, // create-and-start, 201 to running, built-in provisioner
  acquisitionP50Ms: 5, // job posted -> taken by an idle daemon
  oauth2RefreshPerSec: 500, // POST /oauth2/tokens, refresh grant, 2 cores
  oauth2VsSessionPct: 90, // an OAuth2 access token on /users/me costs no more than a session token
};

const fmt = (n, digits = 0) =>
  n === undefined || n === null || Number.isNaN(n) ? 'n/a' : Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Derived checks; a check whose inputs were not measured (BENCH_ONLY) is "n/a". */
export function deriveChecks(results) {
  const s = Object.fromEntries(results.scenarios.map((x) => [x.id, x]));
  const checks = [];
  const add = (name, value, unit, target, ok) =>
    checks.push({ name, value, unit, target, status: value === undefined || value === null ? 'n/a' : ok(value) ? 'PASS' : 'FAIL' });

  const pct = s.healthz && s.me ? (100 * s.me.reqPerSec) / s.healthz.reqPerSec : undefined;
  add('/users/me throughput as % of /healthz', pct, '%', `>= ${TARGETS.meVsHealthzPct}%`, (v) => v >= TARGETS.meVsHealthzPct);
  add('/users/me p99', s.me?.latencyMs.p99, 'ms', `<= ${TARGETS.meP99Ms} ms`, (v) => v <= TARGETS.meP99Ms);
  add('/users?limit=25 (10k users) p99', s.users?.latencyMs.p99, 'ms', `<= ${TARGETS.usersP99Ms} ms`, (v) => v <= TARGETS.usersP99Ms);
  if (s.me && s['me-scoped']) {
    const scoped = (100 * s['me-scoped'].reqPerSec) / s.me.reqPerSec;
    add('scoped, allow-listed /users/me throughput as % of unscoped', scoped, '%', `>= ${TARGETS.scopedVsUnscopedPct}%`, (v) => v >= TARGETS.scopedVsUnscopedPct);
    add('DB transactions per scoped /users/me request', s['me-scoped'].db?.txnsPerRequest, 'txn', `~0 (<= ${TARGETS.meTxnsPerRequest})`, (v) => v <= TARGETS.meTxnsPerRequest);
  }
  if (s.me && s['me-oauth2']) {
    add('OAuth2 access token /users/me throughput as % of session token', (100 * s['me-oauth2'].reqPerSec) / s.me.reqPerSec, '%', `>= ${TARGETS.oauth2VsSessionPct}%`, (v) => v >= TARGETS.oauth2VsSessionPct);
    add('DB transactions per OAuth2-token /users/me request', s['me-oauth2'].db?.txnsPerRequest, 'txn', `~0 (<= ${TARGETS.meTxnsPerRequest})`, (v) => v <= TARGETS.meTxnsPerRequest);
  }
  if (s['oauth2-refresh']) {
    add('OAuth2 refresh grant throughput', s['oauth2-refresh'].reqPerSec, 'req/s', `>= ${TARGETS.oauth2RefreshPerSec}`, (v) => v >= TARGETS.oauth2RefreshPerSec);
    add('OAuth2 refresh grant p99 (reference)', s['oauth2-refresh'].latencyMs.p99, 'ms', '-', () => true);
  }
  if (s['users-scoped']) add('allow-listed /users?limit=25 p99 (reference)', s['users-scoped'].latencyMs.p99, 'ms', '-', () => true);
  add('/healthz p99 (reference)', s.healthz?.latencyMs.p99, 'ms', '-', () => true);
  add('cold start (spawn -> /healthz 200, incl. initdb)', results.startup.coldStartS, 's', `<= ${TARGETS.coldStartS} s`, (v) => v <= TARGETS.coldStartS);
  add('warm restart (same cache dir)', results.startup.warmRestartS, 's', `<= ${TARGETS.warmRestartS} s`, (v) => v <= TARGETS.warmRestartS);
  add('DB transactions per /users/me request', s.me?.db?.txnsPerRequest, 'txn', `~0 (<= ${TARGETS.meTxnsPerRequest})`, (v) => v <= TARGETS.meTxnsPerRequest);
  if (s.unlicensed) {
    // @RequireFeature reads cached entitlements: the gate itself must not query the database.
    add('DB transactions per 403-gated request', s.unlicensed.db?.txnsPerRequest, 'txn', `~0 (<= ${TARGETS.meTxnsPerRequest})`, (v) => v <= TARGETS.meTxnsPerRequest);
  }
  if (s.licensed && s.unlicensed) {
    add('licensed route (200) throughput as % of its 403 gate', (100 * s.licensed.reqPerSec) / s.unlicensed.reqPerSec, '%', `>= ${TARGETS.licensedVsGatePct}%`, (v) => v >= TARGETS.licensedVsGatePct);
  }
  const g = results.gateway;
  if (g) {
    add('AI Bridge added latency p50 (blocking, 100 req/s)', g.blocking.gateway.p50 - g.blocking.direct.p50, 'ms', `<= ${TARGETS.gatewayAddedP50Ms} ms`, (v) => v <= TARGETS.gatewayAddedP50Ms);
    add('AI Bridge added latency p99 (blocking, 100 req/s)', g.blocking.gateway.p99 - g.blocking.direct.p99, 'ms', `<= ${TARGETS.gatewayAddedP99Ms} ms`, (v) => v <= TARGETS.gatewayAddedP99Ms);
    if (g.blocking.budgeted) {
      add('AI budget enforcement added latency p50', g.blocking.budgeted.p50 - g.blocking.gateway.p50, 'ms', `<= ${TARGETS.budgetAddedP50Ms} ms`, (v) => v <= TARGETS.budgetAddedP50Ms);
    }
    add('AI Bridge added time to first byte p50 (streaming)', g.firstByte.gateway.p50 - g.firstByte.direct.p50, 'ms', `<= ${TARGETS.gatewayFirstByteAddedMs} ms`, (v) => v <= TARGETS.gatewayFirstByteAddedMs);
    if (g.records) {
      add('AI Bridge records lost (completed - recorded)', g.records.lost, 'rows', '0', (v) => v === 0);
      add('AI Bridge answers without a record (answered - recorded)', Math.max(0, g.records.answered - g.records.recorded), 'rows', '0', (v) => v === 0);
    }
  }
  if (s.gateway) add('AI Bridge throughput (recorded)', s.gateway.reqPerSec, 'req/s', `>= ${TARGETS.gatewayReqPerSec}`, (v) => v >= TARGETS.gatewayReqPerSec);
  const wf = results.workspacesFixedRate;
  if (wf) add(`/workspaces?limit=25 (10k workspaces) p99 at ${wf.rate} req/s`, wf.p99, 'ms', `<= ${TARGETS.workspacesP99Ms} ms`, (v) => v <= TARGETS.workspacesP99Ms);
  if (s.workspaces) {
    add('/workspaces?limit=25 p99 at saturation (50 connections, reference)', s.workspaces.latencyMs.p99, 'ms', '-', () => true);
    add('DB transactions per /workspaces page', s.workspaces.db?.txnsPerRequest, 'txn', `<= ${TARGETS.workspacesTxnsPerRequest}`, (v) => v <= TARGETS.workspacesTxnsPerRequest);
  }
  const b = results.builds;
  if (b) {
    add(`build throughput (${b.count} workspaces, ${b.concurrency} clients, 201 to running)`, b.buildsPerSec, 'builds/s', `>= ${TARGETS.buildsPerSec}`, (v) => v >= TARGETS.buildsPerSec);
    add('job acquisition p50 (posted -> taken, idle daemons)', b.acquisition.p50Ms, 'ms', `<= ${TARGETS.acquisitionP50Ms} ms`, (v) => v <= TARGETS.acquisitionP50Ms);
    add('one build end to end p50 (posted -> completed, reference)', b.acquisition.buildP50Ms, 'ms', '-', () => true);
  }
  if (s.roles) {
    add('DB transactions per /users/roles request (auth path only)', s.roles.db?.txnsPerRequest, 'txn', `~0 (<= ${TARGETS.meTxnsPerRequest})`, (v) => v <= TARGETS.meTxnsPerRequest);
  }
  return checks;
}

export function markdown(results) {
  const lines = [];
  const e = results.environment;
  lines.push(`# coderd-ts benchmark ${results.startedAt}`, '');
  lines.push(
    `Commit \`${e.gitCommit ?? 'unknown'}\`${e.gitDirty ? ' (working tree dirty)' : ''}; Node ${e.node}; ${e.cpus} × ${e.cpuModel}; ` +
      `${e.postgres}; adapter ${e.httpAdapter}; pool ${e.pgPoolSize}. ` +
      `autocannon ${results.config.connections} connections, ${results.config.durationS} s after a ${results.config.warmupS} s warm-up; ` +
      `${fmt(results.seed.totalUsers)} users${results.seed.workspaces ? ` and ${fmt(results.seed.workspaces)} seeded workspaces` : ''} in the database. 1-minute load average before the run: ${e.loadAvg1mAtStart}.`,
    '',
  );
  if (!results.valid) {
    lines.push(`> **INVALID RUN**: ${results.invalidReasons.join('; ')}`, '');
  }
  lines.push('| scenario | req/s (mean) | p50 ms | p90 ms | p99 ms | errors | non-2xx | DB txns/req |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const s of results.scenarios) {
    const bad = s.errors + s.timeouts + (s.unexpectedResponses ?? s.non2xx) > 0 ? ' ⚠' : '';
    lines.push(
      `| ${s.id}: \`${s.method} ${s.path}\`${bad} | ${fmt(s.reqPerSec)} | ${fmt(s.latencyMs.p50)} | ${fmt(s.latencyMs.p90)} | ${fmt(s.latencyMs.p99)} | ` +
        `${s.errors + s.timeouts} | ${s.non2xx}${s.expectedStatus && s.expectedStatus !== 200 ? ` (expected ${s.expectedStatus})` : ''} | ${s.db ? fmt(s.db.txnsPerRequest, 3) : 'n/a'} |`,
    );
  }
  lines.push('');
  const g = results.gateway;
  if (g) {
    lines.push(`AI Bridge, fixed rate ${g.rate} req/s, straight to the fake provider and through the gateway (milliseconds):`, '');
    lines.push('| measurement | direct p50 | gateway p50 | added | direct p99 | gateway p99 | added | errors |', '|---|--:|--:|--:|--:|--:|--:|--:|');
    const budgeted = g.blocking.budgeted ? [['blocking, budget enforced', { direct: g.blocking.direct, gateway: g.blocking.budgeted }]] : [];
    for (const [name, m] of [['blocking chat completion', g.blocking], ...budgeted, ['stream: time to first byte', g.firstByte]]) {
      lines.push(
        `| ${name} | ${fmt(m.direct.p50, 2)} | ${fmt(m.gateway.p50, 2)} | ${fmt(m.gateway.p50 - m.direct.p50, 2)} | ${fmt(m.direct.p99, 2)} | ${fmt(m.gateway.p99, 2)} | ` +
          `${fmt(m.gateway.p99 - m.direct.p99, 2)} | ${m.direct.errors + m.gateway.errors} |`,
      );
    }
    if (g.records) {
      lines.push('', `Interceptions: ${fmt(g.records.completed)} completed by the gateway (its counter), ${fmt(g.records.recorded)} recorded, ${fmt(g.records.lost)} lost; clients counted ${fmt(g.records.answered)} answers (a lower bound).`);
    }
    lines.push('');
  }
  const wf = results.workspacesFixedRate;
  if (wf) lines.push(`Workspace list at a fixed ${wf.rate} req/s for ${fmt(wf.seconds, 1)} s: p50 ${fmt(wf.p50, 2)} ms, p90 ${fmt(wf.p90, 2)} ms, p99 ${fmt(wf.p99, 2)} ms, ${wf.errors} errors.`, '');
  const b = results.builds;
  if (b) {
    lines.push(
      `Builds: ${fmt(b.count)} workspaces created by ${b.concurrency} clients at once, first POST to the last job completed: ${fmt(b.seconds, 2)} s, ` +
        `${fmt(b.buildsPerSec, 1)} builds/s, ${b.failed} failed. Then ${b.acquisition.builds} one at a time: job posted → taken p50 ${fmt(b.acquisition.p50Ms, 2)} ms ` +
        `(p99 ${fmt(b.acquisition.p99Ms, 2)} ms), posted → completed p50 ${fmt(b.acquisition.buildP50Ms, 2)} ms.`,
      '',
    );
  }
  lines.push('| start-up | seconds |', '|---|--:|');
  lines.push(`| cold start (spawn → first /healthz 200, includes initdb) | ${fmt(results.startup.coldStartS, 2)} |`);
  lines.push(`| warm restart (same cache dir) | ${fmt(results.startup.warmRestartS, 2)} |`);
  lines.push(`| stop (SIGTERM → exit, includes PostgreSQL shutdown) | ${fmt(results.startup.stopS, 2)} |`);
  lines.push('');
  lines.push('| check | value | target | result |', '|---|--:|---|---|');
  for (const c of results.checks) {
    const digits = c.unit === 'txn' ? 3 : c.unit === 's' || c.unit === 'ms' ? 2 : c.unit === '%' || c.unit === 'builds/s' ? 1 : 0;
    lines.push(`| ${c.name} | ${fmt(c.value, digits)}${c.value === undefined ? '' : ' ' + c.unit} | ${c.target} | ${c.status} |`);
  }
  lines.push('');
  return lines.join('\n');
}
