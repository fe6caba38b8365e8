import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The operating systems and architectures Coder builds agents for (coderd/initscript.go). */
export const INIT_SCRIPT_OS = ['linux', 'darwin', 'windows'] as const;
export const INIT_SCRIPT_ARCH = ['amd64', 'arm64', 'armv7'] as const;
/** Where coderd serves the reference agent for init scripts to download. */
export const AGENT_DOWNLOAD_PATH = '/bin/coder-agent.mjs';

export const isInitScriptPair = (os: string, arch: string): boolean =>
  (INIT_SCRIPT_OS as readonly string[]).includes(os) && (INIT_SCRIPT_ARCH as readonly string[]).includes(arch);

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const psQuote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The script an external machine pipes into its shell: it downloads this server's reference agent
 * and runs it with CODER_AGENT_TOKEN (Coder's downloads its agent binary; this agent needs Node.js 20
 * or newer on the machine). POSIX sh for Linux and macOS, PowerShell for Windows.
 */
export function initScript(accessUrl: string, os: string, arch: string): string {
  const base = accessUrl.replace(/\/+$/, '');
  if (os === 'windows') {
    return [
      `# Starts the Coder agent on this ${os}/${arch} machine. Needs Node.js 20 or newer, and sh for the agent's scripts.`,
      `$ErrorActionPreference = 'Stop'`,
      `$accessUrl = ${psQuote(base)}`,
      `if (-not $env:CODER_AGENT_TOKEN) { throw 'CODER_AGENT_TOKEN must be set to the agent token.' }`,
      `if (-not (Get-Command node -ErrorAction SilentlyContinue)) { throw 'Node.js 20 or newer is needed to run the agent.' }`,
      `$dir = Join-Path $env:TEMP ('coder-agent-' + [guid]::NewGuid())`,
      `New-Item -ItemType Directory -Force -Path $dir | Out-Null`,
      `Invoke-WebRequest -UseBasicParsing -Uri ($accessUrl + '${AGENT_DOWNLOAD_PATH}') -OutFile (Join-Path $dir 'agent.mjs')`,
      `node (Join-Path $dir 'agent.mjs') --url $accessUrl`,
      '',
    ].join('\r\n');
  }
  return [
    '#!/usr/bin/env sh',
    `# Starts the Coder agent on this ${os}/${arch} machine. Needs Node.js 20 or newer.`,
    'set -eu',
    `ACCESS_URL=${shQuote(base)}`,
    ': "${CODER_AGENT_TOKEN:?CODER_AGENT_TOKEN must be set to the agent token}"',
    'if ! command -v node >/dev/null 2>&1; then echo "error: Node.js 20 or newer is needed to run the agent" >&2; exit 1; fi',
    'dir=$(mktemp -d 2>/dev/null || { d="${TMPDIR:-/tmp}/coder-agent.$$"; mkdir -p "$d"; echo "$d"; })',
    'if command -v curl >/dev/null 2>&1; then',
    `  curl -fsSL "$ACCESS_URL${AGENT_DOWNLOAD_PATH}" -o "$dir/agent.mjs"`,
    'elif command -v wget >/dev/null 2>&1; then',
    `  wget -q -O "$dir/agent.mjs" "$ACCESS_URL${AGENT_DOWNLOAD_PATH}"`,
    'else',
    '  echo "error: curl or wget is needed to download the agent" >&2; exit 1',
    'fi',
    'exec node "$dir/agent.mjs" --url "$ACCESS_URL"',
    '',
  ].join('\n');
}

/** The one command an operator runs on the external machine (Coder's ExternalAgentCredentials.command). */
export function initCommand(accessUrl: string, os: string, arch: string, token: string): string {
  const url = `${accessUrl.replace(/\/+$/, '')}/api/v2/init-script/${os}/${arch}`;
  if (os === 'windows') return `$env:CODER_AGENT_TOKEN=${JSON.stringify(token)}; iwr -useb ${JSON.stringify(url)} | iex`;
  return `curl -fsSL ${JSON.stringify(url)} | CODER_AGENT_TOKEN=${JSON.stringify(token)} sh`;
}

let agentSource: string | undefined;

/**
 * The compiled reference agent (libs/agent/src/agent.ts, one file with no imports but Node's), read
 * from the package's build output once. Undefined when the package has not been built.
 */
export function referenceAgentSource(): string | undefined {
  if (agentSource !== undefined) return agentSource;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  // From the sources (tests) or from dist/ itself: the package root holds package.json and dist/.
  if (path.basename(dir) === 'dist') dir = path.dirname(dir);
  const file = path.join(dir, 'dist/libs/agent/src/agent.js');
  if (!existsSync(file)) return undefined;
  // The source map stays behind: a downloaded copy has no map beside it.
  agentSource = readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return agentSource;
}
