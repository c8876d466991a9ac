// ESLint (flat config) for the page's script. No plugins or shared configs,
// so `npx eslint` needs nothing else installed (tests/browser/lint.sh).
export default [
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        Blob: 'readonly', DOMParser: 'readonly', Option: 'readonly', TextDecoder: 'readonly',
        TextEncoder: 'readonly', URL: 'readonly', XMLHttpRequest: 'readonly', console: 'readonly',
        document: 'readonly', window: 'readonly',
      },
    },
    linterOptions: {reportUnusedDisableDirectives: 'error'},
    rules: {
      // eslint:recommended's checks for mistakes, written out.
      'constructor-super': 'error', 'for-direction': 'error', 'getter-return': 'error', 'no-async-promise-executor': 'error',
      'no-case-declarations': 'error', 'no-class-assign': 'error', 'no-compare-neg-zero': 'error', 'no-cond-assign': 'error',
      'no-const-assign': 'error', 'no-constant-condition': ['error', {checkLoops: false}], 'no-control-regex': 'error',
      'no-debugger': 'error', 'no-dupe-args': 'error', 'no-dupe-class-members': 'error', 'no-dupe-else-if': 'error',
      'no-dupe-keys': 'error', 'no-duplicate-case': 'error', 'no-empty': 'error', 'no-empty-character-class': 'error',
      'no-empty-pattern': 'error', 'no-ex-assign': 'error', 'no-fallthrough': 'error', 'no-func-assign': 'error',
      'no-import-assign': 'error', 'no-inner-declarations': 'error', 'no-invalid-regexp': 'error',
      'no-irregular-whitespace': 'error', 'no-loss-of-precision': 'error', 'no-misleading-character-class': 'error',
      'no-new-native-nonconstructor': 'error', 'no-obj-calls': 'error', 'no-prototype-builtins': 'error',
      'no-redeclare': 'error', 'no-regex-spaces': 'error', 'no-self-assign': 'error', 'no-setter-return': 'error',
      'no-shadow-restricted-names': 'error', 'no-sparse-arrays': 'error', 'no-this-before-super': 'error',
      'no-undef': 'error', 'no-unexpected-multiline': 'error', 'no-unreachable': 'error', 'no-unsafe-finally': 'error',
      'no-unsafe-negation': 'error', 'no-unsafe-optional-chaining': 'error', 'no-unused-labels': 'error',
      'no-unused-vars': 'error', 'no-useless-backreference': 'error', 'no-useless-catch': 'error',
      'no-useless-escape': 'error', 'no-with': 'error', 'require-yield': 'error', 'use-isnan': 'error',
      'valid-typeof': 'error',
      // What a page under a strict Content-Security-Policy must not use.
      'no-eval': 'error', 'no-implied-eval': 'error', 'no-new-func': 'error', 'no-script-url': 'error',
      // Style.
      'eqeqeq': 'error', 'no-var': 'error', 'prefer-const': 'error', 'no-console': 'error',
      'max-len': ['error', {code: 120}], 'quotes': ['error', 'single', {avoidEscape: true}], 'semi': ['error', 'always'],
    },
  },
];
