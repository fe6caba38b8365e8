#!/usr/bin/env node
// The license vendor's tool: make an Ed25519 signing key pair, sign license JWTs (EdDSA, `kid` header,
// claims version 3, as Coder's enterprise/coderd/license reads them), and decode licenses for a look.
// Run as `npm run license -- <command>`; see docs/licensing.md. Uses `jose` and the compiled libs/entitlements.
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';

// The feature lists, version and term limit come from the compiled library (dist/, built by `npm ci` and
// rebuilt by `npm run license` when sources change), so the tool and the server cannot disagree.
const lib = await loadLibrary();
const { FEATURE_NAMES, LIMIT_FEATURES, USAGE_PERIOD_FEATURES, PREMIUM_FEATURES, ENTERPRISE_FEATURES } = lib.features;
const { LICENSE_VERSION, MAX_LICENSE_TERM_MS: MAX_TERM } = lib.verify;
const ADDONS = Object.keys(lib.compute.ADDONS);
const FEATURE_SETS = ['premium', 'enterprise'];
const DEFAULT_TERM = '365d';
const DEFAULT_GRACE = '30d';
const DAY = 86_400_000;

async function loadLibrary() {
  const dist = new URL('../dist/libs/entitlements/src/', import.meta.url);
  try {
    const [features, verify, compute] = await Promise.all(
      ['features.js', 'verify.js', 'compute.js'].map((f) => import(new URL(f, dist).href)),
    );
    return { features, verify, compute };
  } catch (err) {
    console.error(`license: the compiled entitlements library is missing (${err.message}); run \`npm run build\` first.`);
    process.exit(2);
  }
}

class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Command-line parsing

/**
 * Parses `argv` against `spec` ({ name: 'string' | 'boolean' | 'list' }). Accepts `--name value`,
 * `--name=value`, `-h`; `--` ends the options. 'list' options may repeat and take comma-separated values.
 */
function parseOptions(argv, spec) {
  const options = {};
  const positionals = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      options.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (!kind) {
      const known = Object.keys(spec).map((n) => `--${n}`).join(', ');
      throw new UsageError(`unknown option --${name} (options: ${known}, --help)`);
    }
    if (kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    let value;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    else throw new UsageError(`--${name} needs a value`);
    if (kind === 'list') {
      options[name] = [...(options[name] ?? []), ...value.split(',').map((v) => v.trim())];
    } else {
      if (options[name] !== undefined) throw new UsageError(`--${name} given more than once`);
      options[name] = value;
    }
  }
  return { options, positionals };
}

function noPositionals(positionals, command) {
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments, got "${positionals[0]}"`);
}

// ---------------------------------------------------------------------------------------------------------
// Values: dates, durations, numbers, files

/** `365d`, `12h`, `1w2d`, `90m`, `30s`, or `0`. Units: w, d, h, m, s. Returns milliseconds. */
function parseDuration(text, flag) {
  const units = { w: 7 * DAY, d: DAY, h: 3_600_000, m: 60_000, s: 1000 };
  if (text === '0') return 0;
  if (!/^(\d+[wdhms])+$/.test(text)) {
    throw new UsageError(`${flag} "${text}" is not a duration: use a number and a unit (w, d, h, m, s), e.g. 365d, 12h, 1w2d`);
  }
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([wdhms])/g)) ms += Number(n) * units[unit];
  return ms;
}

/** `2026-07-01` (00:00 UTC) or an RFC 3339 time with a zone, `2026-07-01T12:00:00Z`, `…+02:00`. */
function parseDate(text, flag) {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (dateOnly) {
    const d = new Date(`${text}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) throw new UsageError(`${flag} "${text}" is not a calendar date`);
    return d;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) {
    const d = new Date(text);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new UsageError(`${flag} "${text}" is not a date: use YYYY-MM-DD (UTC midnight) or YYYY-MM-DDThh:mm:ssZ (with a zone)`);
}

/** A date, or a duration counted from `from`. */
function parseDateOrDuration(text, flag, from) {
  if (/^\d{4}-/.test(text)) return parseDate(text, flag);
  return new Date(from.getTime() + parseDuration(text, flag));
}

function parseCount(text, flag, min) {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`${flag} "${text}" must be a whole number ≥ ${min}`);
  }
  return Number(text);
}

const seconds = (d) => Math.floor(d.getTime() / 1000);
const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function relative(d, now = new Date()) {
  const ms = d.getTime() - now.getTime();
  const abs = Math.abs(ms);
  const [n, unit] =
    abs >= 2 * DAY ? [Math.round(abs / DAY), 'days'] : abs >= 2 * 3_600_000 ? [Math.round(abs / 3_600_000), 'hours'] : [Math.round(abs / 60_000), 'minutes'];
  if (n === 0) return 'now';
  return ms > 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

function checkKid(kid, flag = '--kid') {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(kid)) {
    throw new UsageError(`${flag} "${kid}" must be 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. 2025-07-01)`);
  }
  return kid;
}

async function readJsonFile(file, flag) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot read it (${err.code ?? err.message})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} ${file}: not JSON`);
  }
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------------
// keygen

const KEYGEN_HELP = `Usage: npm run license -- keygen --kid <kid> [--out <dir>] [--force]

Makes an Ed25519 key pair for signing licenses and writes two files:
  <kid>.private.jwk.json  the private key (mode 0600). It signs licenses: keep it secret.
  <kid>.public.json       {"<kid>": <public JWK>}, the format CODER_LICENSE_PUBLIC_KEYS reads.

Options:
  --kid <kid>   key id, written into every license's JWT header (e.g. 2025-07-01 or staging-2025)
  --out <dir>   directory for the two files (default: the current directory; created if missing)
  --force       overwrite existing files
`;

async function keygen(argv) {
  const { options, positionals } = parseOptions(argv, { kid: 'string', out: 'string', force: 'boolean' });
  if (options.help) return void process.stdout.write(KEYGEN_HELP);
  noPositionals(positionals, 'keygen');
  if (options.kid === undefined) throw new UsageError('keygen needs --kid <kid>');
  const kid = checkKid(options.kid);
  const out = options.out ?? '.';
  const privateFile = path.join(out, `${kid}.private.jwk.json`);
  const publicFile = path.join(out, `${kid}.public.json`);
  if (!options.force) {
    for (const f of [privateFile, publicFile]) {
      if (await exists(f)) throw new UsageError(`${f} already exists (use --force to overwrite, or another --kid)`);
    }
  }

  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const { kty, crv, x, d } = await exportJWK(privateKey);
  const pub = await exportJWK(publicKey);
  await mkdir(out, { recursive: true });
  await writeFile(privateFile, JSON.stringify({ kid, alg: 'EdDSA', kty, crv, x, d }, null, 2) + '\n', { mode: 0o600 });
  await chmod(privateFile, 0o600); // mode only applies on creation; --force may overwrite an older file
  await writeFile(publicFile, JSON.stringify({ [kid]: { kty: pub.kty, crv: pub.crv, x: pub.x } }, null, 2) + '\n', { mode: 0o644 });

  process.stdout.write(`Wrote ${privateFile} (private key, mode 0600)
  Signs licenses. Keep it secret: store it in a secrets manager, never commit it or ship it.
  Use it with: npm run license -- sign --key ${privateFile} --kid ${kid} ...

Wrote ${publicFile} (public key, {"${kid}": <JWK>})
  Servers that should accept licenses signed with this key read it through
  CODER_LICENSE_PUBLIC_KEYS=${path.resolve(publicFile)}
  (to trust several keys, merge the objects into one file). Safe to share.
`);
}

async function exists(file) {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// sign

const SIGN_HELP = `Usage: npm run license -- sign --key <file> --account-type <type> --account-id <id>
                             (--feature-set premium|enterprise | --features <name=value,...>) [options]

Signs a license (EdDSA JWT, claims version 3) and prints it on stdout; a summary goes to stderr.

Required:
  --key <file>              private JWK written by keygen (<kid>.private.jwk.json)
  --account-type <type>     account_type claim, e.g. salesforce
  --account-id <id>         account_id claim: the customer's account
  --feature-set <set>       premium (every on/off feature) or enterprise (premium without multiple_organizations
                            and custom_roles)
  --features <name=value>   features claim, comma-separated, repeatable: boolean features take 1, limits a count
                            (e.g. audit_log=1,user_limit=500). At least one of --feature-set and --features.

Options:
  --kid <kid>               JWT header kid (default: the kid in the key file; must match it)
  --addons <addon,...>      add-ons: ${ADDONS.join(', ')}
  --user-limit <n>          shorthand for --features user_limit=<n>
  --expires <when>          end of the paid term (license_expires): YYYY-MM-DD, an RFC 3339 time, or a
                            duration from the start of the term (default ${DEFAULT_TERM}). At most 5 years away.
  --grace <duration>        grace period after --expires, until exp (default ${DEFAULT_GRACE}; 0 for none)
  --not-before <date>       start of the term (nbf; default now). A future date makes a renewal that
                            servers accept now and apply from that date.
  --deployment-ids <id,...> only these deployments may use the license (default: any)
  --trial                   mark as a trial (expiry warnings start 7 days ahead instead of 30)
  --require-telemetry       the deployment must keep telemetry on
  --publish-usage-data      publish_usage_data claim
  --quiet                   no summary on stderr

Durations: a number and a unit (w, d, h, m, s), combinable: 365d, 12h, 1w2d.
`;

const SIGN_SPEC = {
  key: 'string', kid: 'string', 'account-type': 'string', 'account-id': 'string', 'feature-set': 'string',
  features: 'list', addons: 'list', expires: 'string', grace: 'string', 'not-before': 'string',
  'deployment-ids': 'list', trial: 'boolean', 'user-limit': 'string', 'require-telemetry': 'boolean',
  'publish-usage-data': 'boolean', quiet: 'boolean',
};

function parseFeatures(entries) {
  const features = {};
  for (const entry of entries) {
    if (entry === '') throw new UsageError('--features has an empty entry (check the commas)');
    const m = /^([^=]+)=(.*)$/.exec(entry);
    if (!m) throw new UsageError(`--features "${entry}" must be name=value, e.g. audit_log=1 or user_limit=500`);
    const [, name, value] = m;
    if (!FEATURE_NAMES.includes(name)) {
      throw new UsageError(`--features: unknown feature "${name}". Valid features:\n  ${FEATURE_NAMES.join('\n  ')}`);
    }
    if (name in features) throw new UsageError(`--features: "${name}" given more than once`);
    if (LIMIT_FEATURES.includes(name)) {
      features[name] = parseCount(value, `--features ${name}`, 0);
    } else {
      if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--features ${name}=${value}: on/off features take 1 (leave a feature out not to grant it)`);
      features[name] = parseCount(value, `--features ${name}`, 1);
    }
  }
  return features;
}

async function loadPrivateKey(file) {
  const jwk = await readJsonFile(file, '--key');
  if (isObject(jwk) && !('kty' in jwk) && Object.values(jwk).some((v) => isObject(v) && 'kty' in v)) {
    throw new UsageError(`--key ${file}: this is a public key file; sign needs the private key (<kid>.private.jwk.json)`);
  }
  if (!isObject(jwk) || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new UsageError(`--key ${file}: not an Ed25519 JWK (want kty "OKP", crv "Ed25519"); make one with keygen`);
  }
  if (typeof jwk.d !== 'string') throw new UsageError(`--key ${file}: has no private part ("d"); sign needs the private key`);
  try {
    return { jwk, key: await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }, 'EdDSA') };
  } catch (err) {
    throw new UsageError(`--key ${file}: cannot import the key (${err.message})`);
  }
}

/** Validates the flags and builds the claims; pure apart from the clock and randomness. */
function buildClaims(o, now) {
  for (const flag of ['account-type', 'account-id']) {
    if (o[flag] === undefined) throw new UsageError(`sign needs --${flag}`);
    if (o[flag].trim() === '') throw new UsageError(`--${flag} must not be empty`);
  }
  if (o['feature-set'] === undefined && o.features === undefined) {
    throw new UsageError('sign needs --feature-set premium|enterprise or --features name=value,... (or both)');
  }
  if (o['feature-set'] !== undefined && !FEATURE_SETS.includes(o['feature-set'])) {
    throw new UsageError(`--feature-set "${o['feature-set']}" is not one of: ${FEATURE_SETS.join(', ')}`);
  }
  const features = parseFeatures(o.features ?? []);
  if (o['user-limit'] !== undefined) {
    const n = parseCount(o['user-limit'], '--user-limit', 1);
    if (features.user_limit !== undefined && features.user_limit !== n) {
      throw new UsageError(`--user-limit ${n} contradicts --features user_limit=${features.user_limit}`);
    }
    features.user_limit = n;
  }
  const addons = [];
  for (const a of o.addons ?? []) {
    if (!ADDONS.includes(a)) throw new UsageError(`--addons: unknown add-on "${a}" (valid: ${ADDONS.join(', ')})`);
    if (!addons.includes(a)) addons.push(a);
  }
  const deploymentIds = o['deployment-ids'] ?? [];
  if (deploymentIds.some((id) => id === '')) throw new UsageError('--deployment-ids has an empty entry (check the commas)');

  const notBefore = o['not-before'] !== undefined ? parseDate(o['not-before'], '--not-before') : now;
  const expires = parseDateOrDuration(o.expires ?? DEFAULT_TERM, '--expires', notBefore);
  const grace = parseDuration(o.grace ?? DEFAULT_GRACE, '--grace');
  const exp = new Date(expires.getTime() + grace);
  const fiveYears = new Date(now.getTime() + MAX_TERM);
  if (expires <= now) throw new UsageError(`--expires ${iso(expires)} is in the past`);
  if (expires <= notBefore) throw new UsageError(`--expires ${iso(expires)} must be after --not-before ${iso(notBefore)}`);
  if (expires > fiveYears) throw new UsageError(`--expires ${iso(expires)} is more than 5 years (5 × 365 days) away; servers reject such licenses`);

  const warnings = [];
  if (addons.includes('ai_governance')) {
    if (features.ai_governance_user_limit === undefined) {
      warnings.push('the ai_governance add-on needs ai_governance_user_limit=<seats> in --features; without it servers report an error and ignore the add-on');
    }
    if (o['feature-set'] !== 'premium') warnings.push('the ai_governance add-on is sold with Premium licenses (--feature-set premium)');
  }

  const claims = {
    jti: randomUUID(),
    iat: seconds(now),
    nbf: seconds(notBefore),
    exp: seconds(exp),
    license_expires: seconds(expires),
    account_type: o['account-type'].trim(),
    account_id: o['account-id'].trim(),
    ...(deploymentIds.length > 0 ? { deployment_ids: [...new Set(deploymentIds)] } : {}),
    trial: Boolean(o.trial),
    ...(o['feature-set'] !== undefined ? { feature_set: o['feature-set'] } : {}),
    version: LICENSE_VERSION,
    features,
    ...(addons.length > 0 ? { addons } : {}),
    ...(o['require-telemetry'] ? { require_telemetry: true } : {}),
    ...(o['publish-usage-data'] ? { publish_usage_data: true } : {}),
  };
  return { claims, warnings };
}

async function sign(argv) {
  const { options, positionals } = parseOptions(argv, SIGN_SPEC);
  if (options.help) return void process.stdout.write(SIGN_HELP);
  noPositionals(positionals, 'sign');
  if (options.key === undefined) throw new UsageError('sign needs --key <private key file> (make one with keygen)');
  const now = new Date();
  const { claims, warnings } = buildClaims(options, now); // validate the flags before touching the key file
  const { jwk, key } = await loadPrivateKey(options.key);
  if (options.kid !== undefined) checkKid(options.kid);
  if (options.kid !== undefined && typeof jwk.kid === 'string' && jwk.kid !== options.kid) {
    throw new UsageError(`--kid ${options.kid} does not match the key file's kid "${jwk.kid}"; servers would check the signature against the wrong key`);
  }
  const kid = options.kid ?? jwk.kid;
  if (typeof kid !== 'string') throw new UsageError(`sign needs --kid: ${options.key} does not name its kid`);
  checkKid(kid);

  const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid }).sign(key);
  process.stdout.write(jwt + '\n');
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  if (!options.quiet) process.stderr.write(summary(claims, kid, now));
}

function describeFeatures(claims) {
  const parts = [];
  if (claims.feature_set) parts.push(`feature set ${claims.feature_set}`);
  const extra = Object.entries(claims.features ?? {}).map(([k, v]) => `${k}=${v}`);
  if (extra.length) parts.push(extra.join(', '));
  if (claims.addons?.length) parts.push(`add-ons ${claims.addons.join(', ')}`);
  return parts.join('; ') || 'none';
}

function summary(claims, kid, now) {
  const d = (s) => new Date(s * 1000);
  return `Signed license ${claims.jti} (kid ${kid}) for ${claims.account_type}/${claims.account_id}${claims.trial ? ' [trial]' : ''}
  features:    ${describeFeatures(claims)}
  valid from:  ${iso(d(claims.nbf))} (${relative(d(claims.nbf), now)})
  term ends:   ${iso(d(claims.license_expires))} (${relative(d(claims.license_expires), now)}; grace period starts)
  grace ends:  ${iso(d(claims.exp))} (${relative(d(claims.exp), now)}; the license stops working)
${claims.deployment_ids ? `  deployments: ${claims.deployment_ids.join(', ')}\n` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// inspect

const INSPECT_HELP = `Usage: npm run license -- inspect <jwt | -> [--verify <public keys file>] [--json]

Decodes a license and prints its header, claims and dates, and what servers would reject.
The signature is NOT checked unless --verify is given. "-" reads the JWT from stdin.

Options:
  --verify <file>   check the signature with a {"<kid>": <public JWK>} file (CODER_LICENSE_PUBLIC_KEYS format)
  --json            print {"header": ..., "claims": ...} only
`;

/** What a server would reject the license for (Coder's license.ParseClaims checks), given the header and claims. */
function problems(header, claims, now) {
  const out = [];
  if (header.alg !== 'EdDSA') out.push(`header alg is ${JSON.stringify(header.alg)}; only EdDSA is accepted`);
  if (typeof header.kid !== 'string' || header.kid === '') out.push('header has no kid');
  if (claims.version !== LICENSE_VERSION) out.push(`version is ${JSON.stringify(claims.version)}; must be ${LICENSE_VERSION}`);
  for (const c of ['iat', 'nbf', 'exp', 'license_expires']) {
    if (typeof claims[c] !== 'number') out.push(`${c} is missing`);
  }
  for (const c of ['account_type', 'account_id']) {
    if (typeof claims[c] !== 'string' || claims[c] === '') out.push(`${c} is missing or empty`);
  }
  if (typeof claims.license_expires === 'number') {
    if (claims.license_expires * 1000 > now.getTime() + MAX_TERM) out.push('license_expires is more than 5 years away');
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= now.getTime()) out.push('exp has passed: the license has expired');
  for (const name of Object.keys(isObject(claims.features) ? claims.features : {})) {
    if (!FEATURE_NAMES.includes(name)) out.push(`features.${name} is not a known feature (servers ignore it)`);
  }
  return out;
}

function status(claims, now) {
  const t = now.getTime() / 1000;
  if (typeof claims.exp === 'number' && t >= claims.exp) return 'expired';
  if (typeof claims.nbf === 'number' && t < claims.nbf) return 'not yet valid (servers accept it and apply it from nbf)';
  if (typeof claims.license_expires === 'number' && t > claims.license_expires) return 'grace period (features work, with warnings)';
  return 'active (entitled)';
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function verify(jwt, header, file) {
  const keys = await readJsonFile(file, '--verify');
  if (!isObject(keys)) throw new UsageError(`--verify ${file}: want {"<kid>": <public JWK>}`);
  const jwk = keys[header.kid];
  if (!isObject(jwk)) return `FAILED: kid ${JSON.stringify(header.kid)} is not in ${file} (kids: ${Object.keys(keys).join(', ') || 'none'})`;
  try {
    const key = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'EdDSA');
    // Signature only: dates are reported separately above, and an expired license still has a valid signature.
    await jwtVerify(jwt, key, { algorithms: ['EdDSA'], currentDate: new Date(0), clockTolerance: Number.MAX_SAFE_INTEGER });
    return `valid (kid ${header.kid} from ${file})`;
  } catch (err) {
    return `FAILED: ${err.message}`;
  }
}

async function inspect(argv) {
  const { options, positionals } = parseOptions(argv, { verify: 'string', json: 'boolean' });
  if (options.help) return void process.stdout.write(INSPECT_HELP);
  if (positionals.length !== 1) throw new UsageError('inspect needs exactly one JWT (or "-" to read it from stdin)');
  const jwt = (positionals[0] === '-' ? await readStdin() : positionals[0]).trim();
  let header, claims;
  try {
    header = decodeProtectedHeader(jwt);
    claims = decodeJwt(jwt);
  } catch (err) {
    throw new UsageError(`not a JWT: ${err.message}`);
  }
  const verdict = options.verify !== undefined ? await verify(jwt, header, options.verify) : undefined;
  if (options.json) {
    process.stdout.write(JSON.stringify({ header, claims, ...(verdict ? { signature: verdict } : {}) }, null, 2) + '\n');
  } else {
    const now = new Date();
    const date = (c, label, note) => {
      const v = claims[c];
      const text = typeof v === 'number' ? `${iso(new Date(v * 1000))} (${relative(new Date(v * 1000), now)})` : '(missing)';
      return `  ${label.padEnd(27)} ${text}${note && typeof v === 'number' ? ` ${note}` : ''}\n`;
    };
    const found = problems(header, claims, now);
    process.stdout.write(
      `Header\n${JSON.stringify(header, null, 2)}\n\nClaims\n${JSON.stringify(claims, null, 2)}\n\nDates (UTC)\n` +
        date('iat', 'issued (iat)') +
        date('nbf', 'valid from (nbf)') +
        date('license_expires', 'term ends (license_expires)', '- grace period starts') +
        date('exp', 'grace ends (exp)', '- the license stops working') +
        `\nFeatures: ${describeFeatures(claims)}\nStatus now: ${status(claims, now)}\n` +
        `Signature: ${verdict ?? 'not verified (add --verify <public keys file> to check it)'}\n` +
        (found.length ? `\nServers would reject or ignore:\n${found.map((p) => `  - ${p}\n`).join('')}` : ''),
    );
  }
  if (verdict?.startsWith('FAILED')) process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------------------
// features

const FEATURES_HELP = `Usage: npm run license -- features [--json]

Lists the feature names a license can grant, which are limits, and which each feature set includes.
`;

function features(argv) {
  const { options, positionals } = parseOptions(argv, { json: 'boolean' });
  if (options.help) return void process.stdout.write(FEATURES_HELP);
  noPositionals(positionals, 'features');
  if (options.json) {
    const json = { features: FEATURE_NAMES, limit_features: LIMIT_FEATURES, usage_period_features: USAGE_PERIOD_FEATURES, feature_sets: { premium: PREMIUM_FEATURES, enterprise: ENTERPRISE_FEATURES }, addons: ADDONS };
    return void process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  }
  const width = Math.max(...FEATURE_NAMES.map((f) => f.length));
  let out = `${'feature'.padEnd(width)}  kind             premium  enterprise\n`;
  for (const f of FEATURE_NAMES) {
    const kind = USAGE_PERIOD_FEATURES.includes(f) ? 'limit (period)' : LIMIT_FEATURES.includes(f) ? 'limit' : 'on/off';
    const inSet = (set) => (set.includes(f) ? 'yes' : '-');
    out += `${f.padEnd(width)}  ${kind.padEnd(15)}  ${inSet(PREMIUM_FEATURES).padEnd(7)}  ${inSet(ENTERPRISE_FEATURES)}\n`;
  }
  out += `\nLimits are never part of a feature set: grant them with --features (e.g. user_limit=500).\nAdd-ons: ${ADDONS.join(', ')}\n`;
  process.stdout.write(out);
}

// ---------------------------------------------------------------------------------------------------------

const HELP = `Usage: npm run license -- <command> [options]

The license vendor's tool: signing keys, license JWTs (EdDSA, kid header, claims version 3), inspection.

Commands:
  keygen     make an Ed25519 signing key pair (private JWK + CODER_LICENSE_PUBLIC_KEYS file)
  sign       sign a license and print the JWT
  inspect    decode a license and show its claims, dates and problems
  features   list the feature names a license can grant

Run 'npm run license -- <command> --help' for its options. See docs/licensing.md.
`;

const COMMANDS = { keygen, sign, inspect, features };
const HELPS = { keygen: KEYGEN_HELP, sign: SIGN_HELP, inspect: INSPECT_HELP, features: FEATURES_HELP };

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(HELP);
    process.exitCode = 2;
    return;
  }
  if (command === '--help' || command === '-h') return void process.stdout.write(HELP);
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) return void process.stdout.write(HELP);
    if (!HELPS[topic]) throw new UsageError(`unknown command "${topic}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return void process.stdout.write(HELPS[topic]);
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  try {
    await run(rest);
  } catch (err) {
    if (err instanceof UsageError) err.command = command;
    throw err;
  }
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof UsageError) {
    const more = err.command ? `npm run license -- ${err.command} --help` : 'npm run license -- --help';
    process.stderr.write(`license: ${err.message}\nSee '${more}'.\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`license: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  }
});
