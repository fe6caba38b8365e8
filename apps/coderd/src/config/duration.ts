const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration ("24h", "1h30m", "720h0m0s", "500ms") into milliseconds; undefined if malformed. */
export function parseGoDuration(input: string): number | undefined {
  const s = input.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

/** Formats milliseconds the way Go prints a time.Duration ("24h0m0s"). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  // Under a second Go switches to the largest unit that keeps a non-zero integer part.
  if (ms < 1) return ms < 0.001 ? `${Math.round(ms * 1e6)}ns` : `${+(ms * 1000).toFixed(3)}µs`;
  if (ms < 1000) return `${+ms.toFixed(6)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}
