import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

// Jest runs in native ESM mode (NestJS 12 ships ESM only); @swc/jest strips types and keeps decorator metadata.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
];

// @fastify/static (Swagger UI under Fastify) require()s content-disposition, which is ESM-only; Node 20
// loads that natively but jest's CommonJS loader cannot, so jest compiles that one package to CommonJS.
const esmOnlyDeps = ['content-disposition'];
const toCommonJs = ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }];

// The package's subpath imports (`#db/...`) point at dist/ for Node; jest runs the TypeScript sources, so
// each `#room/*` maps to the room's source folder. package.json stays the one list of rooms.
const { imports } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const roomMapper = Object.fromEntries(
  Object.entries(imports).map(([alias, target]) => [
    `^${alias.replace('/*', '')}/(.*)\\.js$`,
    `<rootDir>/${target.replace(/^\.\/dist\//, '').replace('/*', '')}/$1`,
  ]),
);

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc,
    [`node_modules/(${esmOnlyDeps.join('|')})/.+\\.js$`]: toCommonJs,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyDeps.join('|')})/)`],
  moduleNameMapper: { ...roomMapper, '^(\\.{1,2}/.*)\\.js$': '$1' },
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'api',
      testMatch: ['<rootDir>/test/api/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.cjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.cjs',
    },
  ],
  testTimeout: 60000,
  // Specs mostly wait on their server and PostgreSQL: two workers on two cores halve the run (jest's
  // default leaves one core idle).
  maxWorkers: Math.max(2, availableParallelism()),
};
