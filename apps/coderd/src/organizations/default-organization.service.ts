import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrganizationsRepository, type OrganizationRow } from './organizations.repository.js';

/** The default organization ("coder", as in Coder), created with the first user. */
@Injectable()
export class DefaultOrganizationService {
  constructor(private readonly orgs: OrganizationsRepository) {}

  /** The default organization, or undefined before the first user exists. */
  find(): Promise<OrganizationRow | undefined> {
    return this.orgs.findDefault();
  }

  async get(db?: EntityManager): Promise<OrganizationRow> {
    const existing = await this.orgs.findDefault(db);
    if (existing) return existing;
    const id = randomUUID();
    await this.orgs.insert({ id, name: 'coder', displayName: 'Coder', description: 'Builtin default organization.', icon: '', isDefault: true }, db);
    return (await this.orgs.findDefault(db))!;
  }
}
