// Lint: TypeScript rules plus the layer directions of DESIGN.md §1, enforced here so
// that CI fails when a folder imports against the flow.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const DOORS = ['**/main/app/**', '**/main/host/**', '**/main/cli/**', '**/main/api/**'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'src/main/onnx/generated/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'electron', 'react', 'react-dom'].map((name) => ({ name, message: 'src/shared is pure TypeScript: no Node built-ins, no DOM, no electron.' })),
        patterns: [{ group: ['**/main/**', '**/renderer/**', '**/preload/**', '../main', '../renderer', '../preload'], message: 'src/shared imports nothing of ours outside src/shared.' }],
      }],
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'electron'].map((name) => ({ name, message: 'The renderer runs in a sandboxed page: no Node built-ins, no electron.' })),
        patterns: [{ group: ['**/main/**', '**/preload/**'], message: 'The renderer talks to main only through the API contract (window.whittle or the host socket).' }],
      }],
    },
  },
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The preload builds window.whittle from src/shared only.' }],
      }],
    },
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/app/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: "Only src/main/app imports 'electron'." }],
        patterns: [{ group: ['**/renderer/**', '**/preload/**'], message: 'main never imports the renderer or the preload.' }],
      }],
    },
  },
  {
    files: ['src/main/access/**', 'src/main/onnx/**', 'src/main/runtime/**', 'src/main/data/**', 'src/main/passes/**', 'src/main/train/**', 'src/main/devices/**', 'src/main/store/**', 'src/main/engine/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: "Only src/main/app imports 'electron'." }],
        patterns: [{ group: [...DOORS, '**/renderer/**', '**/preload/**'], message: 'Domain folders never import a door (app/, host/, cli/) or the api/ layer.' }],
      }],
    },
  },
);
