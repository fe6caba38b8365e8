import type { ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { ApiError, type ValidationError } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { takeRawResponse } from '#httpapi/raw-response.js';
import { AuthzService } from '#coderd/auth/authz.service.js';
import { OrganizationsService } from '#coderd/organizations/organizations.service.js';
import { isRfc3339 } from '../interceptions/interception-search.js';
import { csvRecord } from './csv.js';
import { EXPORT_INTERCEPTION_COLUMNS, SpendRepository, type SpendExportRow } from './spend.repository.js';

/** Coder's limit on the export window. */
export const MAX_EXPORT_DAYS = 31;
/** Rows read per query while streaming: memory stays bounded whatever the range holds. */
export const EXPORT_PAGE_ROWS = 1000;

export const EXPORT_COLUMNS = [
  'interception_id', 'started_at', 'user_id', 'username', 'provider', 'provider_name', 'model',
  'input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_write_input_tokens',
  'cost_micros', 'priced', 'effective_group_id',
] as const;

const INVALID_PARAMS = 'Query parameters have invalid values.';
const DAY_MICROS = 86_400_000_000;

/**
 * The token usages of an organization's members as CSV, streamed page by page (keyset on
 * started_at, interception, usage) so that neither the server nor the database holds the whole
 * range. Pages are separate statements: usage recorded while the export runs may or may not appear.
 */
@Injectable()
export class SpendExportService {
  private readonly log = new Logger('SpendExport');

  constructor(
    private readonly repo: SpendRepository,
    private readonly organizations: OrganizationsService,
    private readonly authz: AuthzService,
  ) {}

  /** Validates and reads the first page before answering: until then errors are ordinary JSON errors. */
  async export(actor: Actor, orgParam: string, startParam: string | undefined, endParam: string | undefined, res: unknown): Promise<void> {
    const org = await this.organizations.resolve(actor, orgParam);
    const { start, end } = parseRange(startParam, endParam);
    // Owners and auditors read every interception; members none (Coder's rule): they get the header only.
    const authorized = this.authz.sqlFilter(actor, 'read', 'aibridge_interception', EXPORT_INTERCEPTION_COLUMNS);
    let page = await this.repo.exportPage(org.id, start, end, authorized, EXPORT_PAGE_ROWS);

    const out = takeRawResponse(res);
    out.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="ai-spend-${org.name.replace(/[^A-Za-z0-9_-]/g, '_')}.csv"`,
      'Cache-Control': 'no-store',
    });
    try {
      if (!(await write(out, csvRecord(EXPORT_COLUMNS)))) return;
      for (;;) {
        if (page.length > 0 && !(await write(out, page.map(toRecord).join('')))) return;
        if (page.length < EXPORT_PAGE_ROWS) break;
        const last = page[page.length - 1];
        page = await this.repo.exportPage(org.id, start, end, authorized, EXPORT_PAGE_ROWS, {
          startedAt: last.started_at,
          interceptionId: last.interception_id,
          usageCreatedAt: last.usage_created_at,
          usageId: last.usage_id,
        });
      }
      out.end();
    } catch (err) {
      // The status line is gone: cutting the response short is the only signal left.
      this.log.warn(`AI spend export of organization ${org.id} failed mid-stream: ${err instanceof Error ? err.message : String(err)}`);
      out.destroy();
    }
  }
}

function toRecord(r: SpendExportRow): string {
  return csvRecord([
    r.interception_id, r.started_at, r.user_id, r.username, r.provider, r.provider_name, r.model,
    r.input_tokens, r.output_tokens, r.cache_read_input_tokens, r.cache_write_input_tokens,
    r.cost_micros, r.priced, r.effective_group_id,
  ]);
}

/** Writes with backpressure; false when the client went away. */
async function write(out: ServerResponse, chunk: string): Promise<boolean> {
  if (out.destroyed) return false;
  if (out.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
  return !out.destroyed;
}

/** `start` and `end` (RFC 3339, end exclusive), at most 31 days apart; every problem is a validation entry. */
export function parseRange(startParam: string | undefined, endParam: string | undefined): { start: string; end: string } {
  const invalid: ValidationError[] = [];
  const check = (field: 'start' | 'end', v: string | undefined) => {
    if (v === undefined || v === '') invalid.push({ field, detail: `Query param "${field}" is required.` });
    else if (!isRfc3339(v)) invalid.push({ field, detail: `Query param "${field}" must be an RFC 3339 timestamp such as 2025-01-31T10:00:00Z; "${v}" is not.` });
  };
  check('start', startParam);
  check('end', endParam);
  if (invalid.length === 0) {
    const span = spanMicros(startParam!, endParam!);
    if (span <= 0) invalid.push({ field: 'end', detail: 'Query param "end" must be after "start".' });
    else if (span > MAX_EXPORT_DAYS * DAY_MICROS) {
      invalid.push({ field: 'end', detail: `The range from "start" to "end" must be at most ${MAX_EXPORT_DAYS} days.` });
    }
  }
  if (invalid.length > 0) throw new ApiError(400, INVALID_PARAMS, undefined, invalid);
  return { start: startParam!.toUpperCase(), end: endParam!.toUpperCase() };
}

/**
 * Microseconds from `a` to `b` (valid RFC 3339 values): whole milliseconds and the sub-millisecond
 * rest apart, so that far-apart dates do not lose precision where it matters.
 */
function spanMicros(a: string, b: string): number {
  const parts = (v: string) => {
    const fraction = (/\.(\d+)/.exec(v)?.[1] ?? '').padEnd(6, '0');
    return { ms: Date.parse(v.replace(/\.\d+/, '').toUpperCase()) + Number(fraction.slice(0, 3)), us: Number(fraction.slice(3, 6)) };
  };
  const x = parts(a);
  const y = parts(b);
  return (y.ms - x.ms) * 1000 + (y.us - x.us);
}
