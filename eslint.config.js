import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import kassa from './eslint/no-package-src.js';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '**/*.d.ts', 'release/**', 'packages/server/web/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { kassa },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      // A package reaches another through its name, never into its folders (eslint/no-package-src.js).
      'kassa/no-package-src': 'error',
      'no-console': 'off',
    },
  },
);
