import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '**/*.d.ts', 'release/**', 'packages/server/web/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      // A package reaches another through its name (tests too: the vitest aliases and the check
      // config's paths point those names at the sources), never into its folders.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(protocol|terminal-sim|contract|iot-box|server|web|chaos)/src(/|$)',
              message: 'Import another package by its name (@kassa/...), not from its src folder.',
            },
            { regex: '^@kassa/[^/]+/src(/|$)', message: 'Import a package by its name alone; its src folder is not part of its interface.' },
          ],
        },
      ],
      'no-console': 'off',
    },
  },
);
