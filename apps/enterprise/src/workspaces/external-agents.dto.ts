/** How to start an external agent (Coder's ExternalAgentCredentials). */
export class ExternalAgentCredentials {
  /** Run on the external machine: downloads the init script and starts the agent with its token. */
  command: string;
  agent_token: string;
}
