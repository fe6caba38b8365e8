import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import rooms from '../../../scripts/eslint/rooms.js';

// RuleTester drives jest's describe/it itself; filenames are where the imports are written from.
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' } });
const file = (p: string) => `${process.cwd()}/${p}`;

tester.run('relative-imports-stay-home', rooms.rules['relative-imports-stay-home'], {
  valid: [
    { filename: file('apps/coderd/src/auth/auth.guard.ts'), code: "import { x } from '../users/users.service.js';" },
    { filename: file('apps/coderd/src/auth/auth.guard.ts'), code: "import { x } from '#httpapi/http.js';" },
    { filename: file('apps/enterprise/src/aibridge/budgets/api/a.ts'), code: "import { x } from '../../period.js';" },
    { filename: file('test/unit/enterprise/aibridge/a.spec.ts'), code: "import { x } from '../../../support/fake-llm.mjs';" },
    { filename: file('test/unit/lint/a.spec.ts'), code: "import x from '../../../scripts/eslint/rooms.js';" },
    { filename: file('apps/coderd/src/main.ts'), code: "import pg from 'pg';" },
  ],
  invalid: [
    {
      filename: file('apps/coderd/src/auth/auth.guard.ts'),
      code: "import { x } from '../../../../libs/db/src/sql.js';",
      errors: [{ message: "'../../../../libs/db/src/sql.js' leaves the coderd room; import it as '#db/sql.js'." }],
    },
    {
      filename: file('test/api/users.e2e-spec.ts'),
      code: "export { x } from '../../apps/coderd/src/users/users.service.js';",
      errors: [{ messageId: 'leaves' }],
    },
    {
      filename: file('apps/enterprise/src/aibridge/budgets/api/a.ts'),
      code: "const m = import('../../../groups/groups.service.js');",
      errors: [{ message: "'../../../groups/groups.service.js' climbs 3 folders; import it as '#enterprise/groups/groups.service.js'." }],
    },
    {
      filename: file('libs/db/src/a.ts'),
      code: "import { x } from '../../../bench/lib/db.mjs';",
      errors: [{ messageId: 'outside' }],
    },
  ],
});

tester.run('no-enterprise-imports', rooms.rules['no-enterprise-imports'], {
  valid: [
    { filename: file('apps/enterprise/src/main.ts'), code: "import { x } from '#enterprise/enterprise.module.js';" },
    { filename: file('apps/coderd/src/main.ts'), code: "import { x } from '#coderd/core.module.js';" },
  ],
  invalid: [
    { filename: file('apps/coderd/src/main.ts'), code: "import { x } from '#enterprise/enterprise.module.js';", errors: [{ messageId: 'enterprise' }] },
    { filename: file('libs/rbac/src/a.ts'), code: "import { x } from '../../../apps/enterprise/src/groups/groups.service.js';", errors: [{ messageId: 'enterprise' }] },
    { filename: file('test/support/a.ts'), code: "const m = await import('#enterprise/main.js');", errors: [{ messageId: 'enterprise' }] },
  ],
});
