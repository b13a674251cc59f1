// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.cache/**', '**/*.d.ts', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'eqeqeq': ['warn', 'always'],
      'no-restricted-imports': 'off',
    },
  },
  {
    // the engine must stay plain Node so it runs in the CLI, in workers and in unit tests
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core never imports vscode' }] }] },
  },
  {
    // notifications render [label](command:…) as a link that runs a command; shared/notify.ts takes
    // such links apart in text that other people control, so every message goes through it
    files: ['src/extension/**/*.ts'],
    ignores: ['src/extension/shared/notify.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[object.property.name='window'][property.name=/^show(Information|Warning|Error)Message$/]",
        message: 'use showInformation/showWarning/showError from src/extension/shared/notify.ts',
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);
