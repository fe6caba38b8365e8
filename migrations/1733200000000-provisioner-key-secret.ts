import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * External provisioner daemons authenticate with a provisioner key, looked up by the sha256 of its
 * secret. The reserved keys (built-in, user-auth, psk) have no secret and are left out.
 */
export class ProvisionerKeySecret1733200000000 implements MigrationInterface {
  name = 'ProvisionerKeySecret1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX provisioner_keys_hashed_secret_idx ON provisioner_keys (hashed_secret) WHERE hashed_secret <> '\\x'::bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX provisioner_keys_hashed_secret_idx`);
  }
}
