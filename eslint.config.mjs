// ESLint flat config: typescript-eslint with type information for src/ and test/, plain
// rules for the build and runner scripts. Formatting is Prettier's job (`npm run lint`
// runs `prettier --check` after ESLint), so eslint-config-prettier turns off every
// stylistic rule that could disagree with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const testFunctions = ['describe', 'it', 'suite', 'test', 'context', 'specify'];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'out/', '.vscode-test/', '.artifacts/', 'l10n/'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `unknown` and narrowing instead of `any`.
      '@typescript-eslint/no-explicit-any': 'error',
      // Type-only imports say so, so the bundler drops them and readers see what is a value.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      // Promises are awaited, returned or deliberately voided: a dropped rejection is a silent bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A switch over a union names every member (or has a default), so a new status cannot fall through unseen.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // An aborted signal's reason is rethrown exactly as the caller gave it (usually a DOMException).
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      // Stripping control characters from untrusted text is what several regular expressions are for.
      'no-control-regex': 'off',
      // Named exports only: one name per thing across the code base.
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use a named export.' },
        ...testFunctions.map((name) => ({
          selector: `MemberExpression[object.name='${name}'][property.name='only']`,
          message: `${name}.only focuses the run and hides every other test.`,
        })),
      ],
    },
  },
  {
    // The core runs in plain Node tests and knows nothing of VS Code or of Node's own modules
    // (it takes fetch, a clock and AbortSignals from its caller).
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core must not depend on vscode; put this in an adapter.' }],
          patterns: [{ group: ['node:*'], message: 'src/core must not import Node built-ins; inject what it needs.' }],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Fakes implement async interfaces synchronously; the interface, not the fake, decides.
      '@typescript-eslint/require-await': 'off',
      // Tests pass the error classes' static `is()` guards around as plain functions; they use no `this`.
      '@typescript-eslint/unbound-method': 'off',
      // Tests and the emulator stringify untrusted JSON values on purpose, to echo or compare them.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['test/ui/*.test.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
  },
  {
    files: ['test/runtime/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.mocha } },
  },
  prettier,
);
