import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** The deployment id: made once, kept in site_configs (licenses may be bound to it). */
@Injectable()
export class DeploymentService implements OnModuleInit {
  private id = '';

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.ds.query(`INSERT INTO site_configs (key, value) VALUES ('deployment_id', $1) ON CONFLICT (key) DO NOTHING`, [randomUUID()]);
    const [row] = await this.ds.query(`SELECT value FROM site_configs WHERE key = 'deployment_id'`);
    this.id = row.value;
  }

  get deploymentId(): string {
    return this.id;
  }
}
