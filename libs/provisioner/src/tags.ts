// Provisioner tags decide which daemons may take which jobs (a daemon takes a job when the job's
// tags are a subset of its own). Both sides are normalised the same way.

/**
 * Coder's provisionersdk.MutateTags: `scope` is "organization" (owner cleared) unless it is "user",
 * in which case `owner` is the user the daemon or job belongs to.
 */
export function mutateTags(userId: string, tags: Record<string, string> = {}): Record<string, string> {
  const out = { ...tags };
  if (out.scope === 'user') out.owner = userId;
  else {
    out.scope = 'organization';
    out.owner = '';
  }
  return out;
}
