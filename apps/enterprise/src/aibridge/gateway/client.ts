// Which coding agent sent a request, guessed from its User-Agent as Coder's aibridge does.

const CLIENTS: ReadonlyArray<[RegExp, string]> = [
  [/^claude-cli\//i, 'Claude Code'],
  [/claude-code/i, 'Claude Code'],
  [/^codex/i, 'Codex'],
  [/cursor/i, 'Cursor'],
  [/GitHubCopilotChat\//i, 'GitHub Copilot (VS Code)'],
  [/copilot/i, 'GitHub Copilot (CLI)'],
  [/kilo-?code/i, 'Kilo Code'],
  [/roo-?code/i, 'Roo Code'],
  [/^zed\//i, 'Zed'],
  [/\bmux\b/i, 'Mux'],
];

export const UNKNOWN_CLIENT = 'Unknown';

export function guessClient(userAgent: string | undefined): string {
  if (!userAgent) return UNKNOWN_CLIENT;
  for (const [re, name] of CLIENTS) if (re.test(userAgent)) return name;
  return UNKNOWN_CLIENT;
}
