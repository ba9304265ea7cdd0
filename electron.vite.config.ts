// electron-vite: main (Electron entry + the engine process), preload, renderer.
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { resolve } from 'node:path';
import { rendererConfig } from './vite.renderer.config.ts';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/app/index.ts'),
          engine: resolve(import.meta.dirname, 'src/main/engine/worker.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') }, output: { format: 'cjs' } },
    },
  },
  renderer: rendererConfig,
});
