// Agent stats ingestion: agents whose tokens authenticate (the seeded workspaces of lib/workspaces.mjs,
// given tokens known to the harness), a load that sends each report as a different agent and tags it,
// and the count of answered reports that have no row in workspace_agent_stats.
import { randomUUID } from 'node:crypto';
import { seedWorkspaces } from './workspaces.mjs';

/** The agent stats issue: ">= 2,000 agent reports per second on 2 cores with no lost report". */
export const AGENT_TARGETS = { reportsPerSec: 2000, lostReports: 0 };

/**
 * `count` agents whose tokens authenticate, answered as `{ tokens, seeded }`: the agents of the first
 * `count` workspaces of lib/workspaces.mjs (each the agent of its workspace's latest build, a
 * succeeded start). When the workspace list scenario already seeded its workspaces (`seeded` > 0),
 * their agents are reused; otherwise `count` workspaces are seeded here. The seeder hashes random
 * tokens nobody knows, so each agent gets a new token, stored as the server stores them:
 * sha256(lower(token)) (hashAgentToken in apps/coderd/src/provisioners/resources.repository.ts).
 */
export async function agentTokens(db, templateId, versionId, count, seeded) {
  let added = 0;
  if (seeded === 0) added = await seedWorkspaces(db, templateId, versionId, count);
  else if (seeded < count) throw new Error(`BENCH_AGENTS=${count} is more than the ${seeded} seeded workspaces (BENCH_WORKSPACES) whose agents it reuses`);
  const { rows } = await db.query(
    `SELECT a.id FROM workspace_agents a JOIN workspace_resources r ON r.id = a.resource_id JOIN workspace_builds b ON b.job_id = r.job_id
     JOIN workspaces w ON w.id = b.workspace_id WHERE w.name ~ '^ws-[0-9]+$' AND NOT w.deleted AND NOT a.deleted
     ORDER BY substr(w.name, 4)::int LIMIT $1`,
    [count],
  );
  if (rows.length !== count) throw new Error(`found ${rows.length} seeded agents, expected ${count}`);
  const tokens = rows.map(() => randomUUID());
  await db.query(
    `UPDATE workspace_agents a SET hashed_auth_token = sha256(convert_to(lower(t.token), 'UTF8'))
     FROM unnest($1::uuid[], $2::text[]) AS t(id, token) WHERE a.id = t.id`,
    [rows.map((r) => r.id), tokens],
  );
  return { tokens, seeded: added };
}

/** One report: the example body, with rx_bytes carrying the report's tag. */
const reportBody = (tag) =>
  `{"connections_by_proto":{"ssh":1},"connection_count":1,"rx_bytes":${tag},"tx_bytes":2048,"rx_packets":4,"tx_packets":6,"session_count_ssh":0,"connection_median_latency_ms":3.5}`;

/**
 * Sends one report as each agent and checks the answer (200 with a report_interval): a token that
 * does not authenticate would make the run measure 401s. These reports are not counted.
 */
export async function checkAgentTokens(base, path, tokens, concurrency = 10) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++];
        const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', 'Coder-Session-Token': token }, body: reportBody(0) });
        const text = await res.text();
        if (res.status !== 200 || !(JSON.parse(text).report_interval > 0)) throw new Error(`POST ${path} as a seeded agent: ${res.status} ${text.slice(0, 300)}`);
      }
    }),
  );
}

/**
 * The autocannon load: every request is the next agent's (round robin over all connections) and
 * carries a tag of its own, unique in the run, in rx_bytes. `begin()` starts a phase (warm-up,
 * measured run) and answers its options and the tags of the reports answered 200 in it. Autocannon
 * sends one request at a time per connection, so the context set up for a request is still the
 * connection's when its response arrives.
 */
export function agentLoad(tokens, firstTag = 1_000_000_000) {
  let turn = 0;
  let tag = firstTag;
  return {
    begin() {
      const answered = [];
      const requests = [
        {
          setupRequest(req, context) {
            context.tag = tag++;
            req.headers['content-type'] = 'application/json';
            req.headers['Coder-Session-Token'] = tokens[turn++ % tokens.length];
            req.body = reportBody(context.tag);
            return req;
          },
          onResponse(status, _body, context) {
            if (status === 200) answered.push(context.tag);
          },
        },
      ];
      return { options: { requests }, answered };
    },
  };
}

export async function statRows(db) {
  return (await db.query('SELECT count(*)::int AS n FROM workspace_agent_stats')).rows[0].n;
}

/**
 * The row count once no write is pending any more: reports sent before autocannon stopped may still
 * be in a batch (their answers are never counted). Waits until two readings 500 ms apart agree.
 */
export async function settledStatRows(db, withinMs = 15_000) {
  const deadline = Date.now() + withinMs;
  let prev = await statRows(db);
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const next = await statRows(db);
    if (next === prev || Date.now() > deadline) return next;
    prev = next;
  }
}

/**
 * The reports of the measured run against the table: `answered` (200s autocannon counted), `sent`
 * (requests it wrote, the ones in flight when it stopped included), `added` (rows added meanwhile,
 * counted before and after), and `lost`: answered reports whose tag has no row. `answered - added`
 * is the count-only view of the same: <= 0, since a report in flight at the stop may be stored but
 * is never counted as answered.
 */
export async function reportsAccount(db, result, answered, rowsBefore, rowsAfter) {
  const found = (await db.query('SELECT count(DISTINCT rx_bytes)::int AS n FROM workspace_agent_stats WHERE rx_bytes = ANY($1::bigint[])', [answered])).rows[0].n;
  const added = rowsAfter - rowsBefore;
  return {
    answered: answered.length,
    answered2xx: result['2xx'],
    sent: result.requests.sent,
    rowsBefore,
    rowsAfter,
    added,
    answeredMinusAdded: answered.length - added,
    inFlightStored: added - answered.length,
    lost: answered.length - found,
  };
}

/** Derived checks, in the shape of lib/report.mjs's (`n/a` when the scenario was not run). */
export function agentChecks(results) {
  const s = results.scenarios.find((x) => x.id === 'agentstats');
  const a = results.agentStats;
  const checks = [];
  const add = (name, value, unit, target, ok) =>
    checks.push({ name, value, unit, target, status: value === undefined || value === null ? 'n/a' : ok(value) ? 'PASS' : 'FAIL' });
  add(`agent reports/s (${a?.agents ?? 'n/a'} agents, one token per request)`, s?.reqPerSec, 'req/s', `>= ${AGENT_TARGETS.reportsPerSec}`, (v) => v >= AGENT_TARGETS.reportsPerSec);
  add('lost agent reports (answered 200, no row)', a?.lost, 'rows', `${AGENT_TARGETS.lostReports}`, (v) => v === AGENT_TARGETS.lostReports);
  if (a) add('answered - rows added during the run (count only; <= 0)', a.answeredMinusAdded, 'rows', '<= 0', (v) => v <= 0);
  return checks;
}

/** The markdown paragraph of the scenario (placed before the start-up table). */
export function agentMarkdown(results) {
  const a = results.agentStats;
  if (!a) return '';
  const n = (v) => Number(v).toLocaleString('en-US');
  return (
    `Agent stats: ${n(a.agents)} agents, each request the next agent's token, ${n(a.sent)} reports sent in the measured ${results.config.durationS} s, ` +
    `${n(a.answered)} answered 200, ${n(a.added)} rows added to \`workspace_agent_stats\` (${n(a.rowsBefore)} → ${n(a.rowsAfter)}); ` +
    `${n(a.lost)} answered reports without a row (lost); ${n(a.inFlightStored)} stored reports were still in flight when autocannon stopped.\n\n`
  );
}
