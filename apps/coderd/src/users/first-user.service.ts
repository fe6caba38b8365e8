import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiError } from '#httpapi/api-error.js';
import type * as sdk from '#sdk/users.js';
import { DefaultOrganizationService } from '../organizations/default-organization.service.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { hashPassword } from './password.js';
import type { CreateFirstUserRequest } from './users.dto.js';
import { UsersRepository } from './users.repository.js';
import { mapUniqueViolation, UsersService } from './users.service.js';

const FIRST_USER_LOCK = 0x6669727374; // "first"

/** The first user becomes owner and brings the default organization (and its Everyone group) to life. */
@Injectable()
export class FirstUserService {
  constructor(
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly orgs: OrganizationsRepository,
    private readonly defaultOrg: DefaultOrganizationService,
  ) {}

  async exists(): Promise<boolean> {
    return (await this.users.countAll()) > 0;
  }

  async create(req: CreateFirstUserRequest): Promise<sdk.CreateFirstUserResponse> {
    this.usersService.checkPassword(req.password);
    const hashed = await hashPassword(req.password);
    const id = randomUUID();
    // The lock makes "is there a user yet?" and the insert one step across concurrent requests and replicas.
    return this.users
      .transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [FIRST_USER_LOCK]);
        if ((await this.users.countAll(tx)) > 0) throw alreadyCreated();
        await this.users.insert(
          {
            id,
            email: req.email,
            username: req.username,
            name: req.name ?? '',
            hashedPassword: hashed,
            loginType: 'password',
            status: 'active',
            rbacRoles: ['owner'],
            isServiceAccount: false,
          },
          tx,
        );
        const org = await this.defaultOrg.get(tx);
        await this.orgs.addMember(org.id, id, [], tx);
        return { user_id: id, organization_id: org.id };
      })
      .then((created) => (this.users.changed(), created))
      .catch((err) => (err instanceof ApiError ? Promise.reject(err) : mapUniqueViolation(err)));
  }
}

const alreadyCreated = () => new ApiError(409, 'The initial user has already been created.');
