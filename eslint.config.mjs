// Lint: typescript-eslint's recommended rules on every TypeScript source, tests included.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['jest.config.js', '**/*.cjs', '**/dist/**', '**/node_modules/**', 'libs/contracts/src/generated/**', 'bench/.work/**', 'e2e/.scratch/**', '.cairn/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'e2e/**/*.ts', 'libs/testing/**/*.ts', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
