import { createHmac, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

const KEY_NAME = 'external_agent_token_key';

/**
 * Tokens of external agents. Agent tokens are stored only as hashes, yet an admin must be able to read
 * an external agent's token again (the command to run it, `GET .../external-agent/{agent}/credentials`).
 * So an external agent's token is derived: an HMAC of its id under a deployment key kept in
 * site_configs (made once, shared by every replica). It changes with every build, as all agent tokens do.
 */
@Injectable()
export class ExternalAgentTokens {
  private key?: Buffer;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async tokenFor(agentId: string, db: EntityManager | DataSource = this.ds): Promise<string> {
    const mac = createHmac('sha256', await this.loadKey(db)).update(agentId).digest();
    // Shaped as a version 4 UUID: agents and their middleware take a UUID.
    mac[6] = (mac[6]! & 0x0f) | 0x40;
    mac[8] = (mac[8]! & 0x3f) | 0x80;
    const hex = mac.subarray(0, 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private async loadKey(db: EntityManager | DataSource): Promise<Buffer> {
    if (this.key) return this.key;
    await db.query(`INSERT INTO site_configs (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [KEY_NAME, randomBytes(32).toString('hex')]);
    const [row]: Array<{ value: string }> = await db.query(`SELECT value FROM site_configs WHERE key = $1`, [KEY_NAME]);
    this.key = Buffer.from(row!.value, 'hex');
    return this.key;
  }
}
