import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // The bindings generated from the Rust commands (src-tauri/bindings.rs); vue-tsc checks them.
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'src/generated/bindings.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
  },
  {
    files: ['src/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
    rules: {
      // Every word a person reads comes from the i18n files.
      'vue/no-bare-strings-in-template': 'error',
      'vue/multi-word-component-names': 'off',
      'no-restricted-globals': [
        'error',
        { name: 'localStorage', message: 'The journey is kept in memory only.' },
        { name: 'sessionStorage', message: 'The journey is kept in memory only.' },
        { name: 'indexedDB', message: 'The journey is kept in memory only.' },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.config.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
