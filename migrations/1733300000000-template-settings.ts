import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Template settings and variables: Coder's `disable_module_cache` setting (a Terraform provisioner
 * option, kept for the wire shape), and the variables each version's import resolved (Coder's
 * template_version_variables, Terraform `variable` blocks with the template author's values).
 */
export class TemplateSettings1733300000000 implements MigrationInterface {
  name = 'TemplateSettings1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE templates ADD COLUMN disable_module_cache boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE template_version_variables (
        template_version_id uuid NOT NULL REFERENCES template_versions(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        type text NOT NULL CHECK (type IN ('string', 'number', 'bool')),
        value text NOT NULL DEFAULT '',
        default_value text NOT NULL DEFAULT '',
        required boolean NOT NULL DEFAULT false,
        sensitive boolean NOT NULL DEFAULT false,
        PRIMARY KEY (template_version_id, name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE template_version_variables`);
    await q.query(`ALTER TABLE templates DROP COLUMN disable_module_cache`);
  }
}
