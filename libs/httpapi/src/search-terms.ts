// Coder's search query syntax (`key:value` terms, quoted values, bare words), shared by every `q`
// parameter: users, workspaces, templates.

/** The terms of a query, quotes removed: `owner:me "my ws" name:"a b"` → owner:me, my ws, name:a b. */
export function searchTerms(q: string | undefined): string[] {
  const terms: string[] = [];
  const re = /(\S+?:"[^"]*"|"[^"]*"|\S+)/g;
  for (const m of (q ?? '').matchAll(re)) terms.push(m[1].replace(/"/g, ''));
  return terms;
}

/** YYYY-MM-DD, or an RFC 3339 timestamp. */
const DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

/** A date term's value, or undefined when it is not one. */
export function searchDate(value: string): Date | undefined {
  const d = new Date(value);
  return DATE_RE.test(value) && !Number.isNaN(d.getTime()) ? d : undefined;
}
