// The renderer build, shared by electron-vite (the desktop app) and the browser host
// (`npm run web`), so both doors serve the same bundle.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

export const rendererConfig = {
  root: resolve(import.meta.dirname, 'src/renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'out/renderer'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
};

export default defineConfig(rendererConfig);
