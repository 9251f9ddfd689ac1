import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const page = (name: string) => fileURLToPath(new URL(`web/${name}`, import.meta.url));

/**
 * Builds the call page from web/ into dist/web, which the server serves at `/`, and the
 * state inspector page (`/inspector.html`, opened by the call page with `?inspect`).
 * `rolldownOptions` is Vite 8's name for what was `rollupOptions`.
 */
export default defineConfig({
  root: 'web',
  plugins: [svelte()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: { input: { main: page('index.html'), inspector: page('inspector.html') } },
  },
  server: {
    proxy: { '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
