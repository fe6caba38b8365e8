import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '#httpapi/api-error.js';
import { ApiKeysService, type IssuedKey } from '../apikeys/apikeys.service.js';
import type { DeploymentConfig } from '../config/config.js';
import { DEPLOYMENT_CONFIG } from '../tokens.js';
import { hashPassword, passwordMatches } from '../users/password.js';
import { UsersRepository } from '../users/users.repository.js';

/** Password login. Unknown users cost the same argon2 work as known ones, so timing reveals nothing. */
@Injectable()
export class LoginService {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly users: UsersRepository,
    private readonly keys: ApiKeysService,
    @Inject(DEPLOYMENT_CONFIG) private readonly config: DeploymentConfig,
  ) {}

  async login(emailOrUsername: string, password: string, ip: string): Promise<IssuedKey> {
    const user = emailOrUsername.includes('@')
      ? await this.users.findByEmail(emailOrUsername)
      : await this.users.findByUsername(emailOrUsername);
    // The same query for unknown users too, so both paths cost the same.
    const hashed = await this.users.passwordHash(user?.id ?? '00000000-0000-0000-0000-000000000000');
    const ok = await passwordMatches(hashed || (await this.dummy()), password);
    if (!user || !ok) throw new ApiError(401, 'Incorrect email or password.');
    // Checked after the password, as Coder does: the answer reveals nothing to a wrong guess.
    if (this.config.disablePasswordAuth) throw new ApiError(403, 'Password authentication is disabled.');
    if (user.login_type !== 'password') {
      throw new ApiError(403, `Incorrect login type, attempting to use "password" but user is of login type "${user.login_type}".`);
    }
    if (user.status === 'suspended') throw new ApiError(401, 'Your account is suspended. Contact an admin to reactivate your account.');
    const issued = await this.keys.issueSession(user.id, ip);
    await this.users.markSeen(user.id);
    return issued;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('not-a-real-password-for-timing-only');
    return this.dummyHash;
  }
}
