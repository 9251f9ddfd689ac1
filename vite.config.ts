import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const page = (name: string) => fileURLToPath(new URL(`web/${name}`, import.meta.url));

/** Text files worth compressing; smaller ones are sent as they are. */
const compressible = /\.(?:js|css|html|svg|json)$/;
const smallestCompressed = 1024;

/**
 * Writes a Brotli (`.br`) and a gzip (`.gz`) copy beside each text file of the build, at the
 * highest levels since it happens once; the server sends them to browsers that accept them.
 */
function precompress(): Plugin {
  return {
    name: 'parley-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const [name, output] of Object.entries(bundle)) {
        if (!compressible.test(name)) continue;
        const content = Buffer.from(output.type === 'chunk' ? output.code : output.source);
        if (content.length < smallestCompressed) continue;
        const file = join(options.dir!, name);
        writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } }));
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

/**
 * Builds the call page from web/ into dist/web, which the server serves at `/`, and the
 * state inspector page (`/inspector.html`, opened by the call page with `?inspect`).
 * `rolldownOptions` is Vite 8's name for what was `rollupOptions`.
 */
export default defineConfig({
  root: 'web',
  plugins: [svelte(), precompress()],
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
