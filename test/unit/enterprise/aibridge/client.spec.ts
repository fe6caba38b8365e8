// guessClient: the coding agent behind a request, from its User-Agent.
import { describe, expect, it } from '@jest/globals';
import { UNKNOWN_CLIENT, guessClient } from '#enterprise/aibridge/gateway/client.js';

describe('guessClient', () => {
  it.each<[string, string | undefined, string]>([
    ['Claude Code CLI', 'claude-cli/2.0.14 (external, cli)', 'Claude Code'],
    ['Claude Code, newer', 'claude-cli/2.0.67 (external, cli)', 'Claude Code'],
    ['Claude Agent SDK', 'claude-cli/2.0.14 (external, sdk-ts)', 'Claude Code'],
    ['Claude Code in VS Code', 'claude-cli/2.0.14 (external, claude-vscode)', 'Claude Code'],
    ['a claude-code product token', 'claude-code/1.0.3', 'Claude Code'],
    ['upper case', 'CLAUDE-CLI/2.0.14 (external, cli)', 'Claude Code'],
    ['Codex CLI', 'codex_cli_rs/0.46.0 (Mac OS 15.6.1; arm64) iTerm.app/3.6.1', 'Codex'],
    ['Codex CLI in ghostty', 'codex_cli_rs/0.87.0 (Mac OS 26.2.0; arm64) ghostty/1.3.0-main_250877ef', 'Codex'],
    ['Codex exec', 'codex_exec/0.46.0 (Ubuntu 24.4.0; x86_64) unknown', 'Codex'],
    ['Codex VS Code extension', 'codex_vscode/0.4.15 (Windows 10.0.26100; x86_64) vscode/1.104.2', 'Codex'],
    ['Codex run in Cursor’s terminal is Codex', 'codex_cli_rs/0.46.0 (Mac OS 15.6.1; arm64) cursor/1.7.44', 'Codex'],
    ['Codex run in tmux is Codex', 'codex_cli_rs/0.46.0 (Ubuntu 24.4.0; x86_64) tmux/3.4', 'Codex'],
    [
      'Cursor (Electron)',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Cursor/1.7.44 Chrome/132.0.6834.210 Electron/34.5.8 Safari/537.36',
      'Cursor',
    ],
    ['GitHub Copilot Chat in VS Code', 'GitHubCopilotChat/0.31.0', 'GitHub Copilot (VS Code)'],
    ['GitHub Copilot Chat, dated build', 'GitHubCopilotChat/0.37.2026011603', 'GitHub Copilot (VS Code)'],
    ['GitHub Copilot CLI', 'copilot/0.0.403 (client/cli linux v24.11.1)', 'GitHub Copilot (CLI)'],
    ['Kilo Code', 'kilo-code/5.1.0 (darwin 25.2.0; arm64) node/22.21.1', 'Kilo Code'],
    ['Kilo Code, no hyphen', 'KiloCode/4.84.0', 'Kilo Code'],
    ['Roo Code', 'roo-code/3.45.0 (darwin 25.2.0; arm64) node/22.21.1', 'Roo Code'],
    ['Roo Code, no hyphen', 'RooCode/3.28.0', 'Roo Code'],
    ['Zed', 'Zed/0.219.4+stable.119.abc123 (macos; aarch64)', 'Zed'],
    ['Zed, lower case', 'zed/0.208.4 (linux; x86_64)', 'Zed'],
    ['Mux', 'mux/0.9.0 ai-sdk/provider-utils/3.0.9 runtime/node.js/22', 'Mux'],
    ['the OpenAI JS SDK', 'OpenAI/JS 6.49.0', UNKNOWN_CLIENT],
    ['the OpenAI Python SDK', 'OpenAI/Python 1.109.1', UNKNOWN_CLIENT],
    ['the Anthropic JS SDK', 'Anthropic/JS 1.14.0', UNKNOWN_CLIENT],
    ['the Anthropic Python SDK', 'Anthropic/Python 0.69.0', UNKNOWN_CLIENT],
    ['curl', 'curl/8.7.1', UNKNOWN_CLIENT],
    ['undici', 'undici', UNKNOWN_CLIENT],
    ['tmux is not Mux', 'my-tool/1.0 tmux/3.4', UNKNOWN_CLIENT],
    ['"zed" not at the start', 'authorized/1.0', UNKNOWN_CLIENT],
    ['"claude-cli" not at the start', 'ccclaude-cli/calude-with-wrong-prefix', UNKNOWN_CLIENT],
    ['"codex" not at the start', 'my-codex-wrapper/1.0', UNKNOWN_CLIENT],
    ['empty', '', UNKNOWN_CLIENT],
    ['undefined', undefined, UNKNOWN_CLIENT],
  ])('%s', (_name, userAgent, client) => {
    expect(guessClient(userAgent)).toBe(client);
  });

  it('Unknown is spelled as Coder spells it', () => {
    expect(UNKNOWN_CLIENT).toBe('Unknown');
  });
});
