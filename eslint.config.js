// Lint rules that hold the architecture's lines, so nobody has to remember them:
// only main/electron imports electron; the renderer imports neither Node nor Electron;
// the engine knows nothing of the app, the server, Electron or the UI.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-results/**', 'bench/.data/**', 'bench/results/**', '**/*.svelte'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['main/**/*.ts', 'worker/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/electron/ may import electron.' }] }],
    },
  },
  {
    files: ['main/engine/**/*.ts', 'worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The engine runs under plain Node.' }],
          patterns: [
            { group: ['**/electron/**', '**/server/**', '**/app/**', '**/renderer/**', '**/cli/**'], message: 'The engine must not depend on the shell, the server, the app service, the CLI or the UI.' },
          ],
        },
      ],
    },
  },
  {
    // Sandboxed preload scripts run as CommonJS, so require() is the only way in.
    files: ['main/electron/preload/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to main only through its api module.' }],
          patterns: [{ group: nodeBuiltins, message: 'The renderer runs in a sandboxed page: no Node modules.' }, { group: ['**/main/engine/**', '**/main/electron/**'], message: 'The renderer may import types from main/app/contract only.' }],
        },
      ],
    },
  },
);
