import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaded licenses (Coder's licenses table). `exp` copies the JWT's exp so that unexpired licenses
 * are selected without decoding every token.
 */
export class Licenses1732600000000 implements MigrationInterface {
  name = 'Licenses1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE licenses (
        id serial PRIMARY KEY,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        jwt text NOT NULL,
        exp timestamptz NOT NULL,
        uuid uuid NOT NULL,
        CONSTRAINT licenses_jwt_key UNIQUE (jwt)
      );
      CREATE INDEX licenses_exp_idx ON licenses (exp);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE licenses`);
  }
}
