// Lint configuration. The rule that matters most: the engine stays pure (no editor or LSP imports),
// so the CLI and the language server share it unchanged.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.real-editor/**', '.bench/**', 'test/fixtures/**', 'bench/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['server/src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'The engine is pure: no editor API.' },
            { name: 'vscode-languageserver', message: 'The engine is pure: no LSP connection (use vscode-languageserver-types).' },
            { name: 'vscode-languageserver/node', message: 'The engine is pure: no LSP connection.' },
            { name: 'vscode-languageclient', message: 'The engine is pure: no client API.' },
            { name: 'vscode-languageclient/node', message: 'The engine is pure: no client API.' },
          ],
          patterns: [
            { group: ['node:*', 'fs', 'fs/*', 'path', 'child_process', 'http', 'https', 'net'], message: 'The engine does no I/O: hosts (server, CLI) read files and pass text in.' },
            { group: ['**/server', '**/cli', '**/cli/*', '**/node/*', '**/shared/protocol'], message: 'The engine must not import its hosts.' },
          ],
        },
      ],
    },
  },
);
