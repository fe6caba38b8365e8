import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import rooms from './scripts/eslint/rooms.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'openapi/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // No consistent-type-imports: Nest reads constructor parameter types through decorator metadata,
      // so injected classes must stay value imports even where they look type-only.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Rooms: a relative import stays in its room; the open-core boundary: only apps/enterprise (and the
    // enterprise specs, which test it) import the enterprise room.
    files: ['**/*.ts', '**/*.mts'],
    plugins: { rooms },
    rules: { 'rooms/relative-imports-stay-home': 'error', 'rooms/no-enterprise-imports': 'error' },
  },
  {
    files: ['test/**/enterprise/**/*.ts'],
    rules: { 'rooms/no-enterprise-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', globalThis: 'readonly', __dirname: 'readonly' } },
  },
);
