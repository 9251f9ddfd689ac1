import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const page = (name: string) => fileURLToPath(new URL(`web/${name}`, import.meta.url));

/** Files worth compressing (text, and WebAssembly); smaller ones are sent as they are. */
const compressible = /\.(?:js|css|html|svg|json|wasm)$/;
const smallestCompressed = 1024;

/**
 * Writes a Brotli (`.br`) and a gzip (`.gz`) copy beside each text or WebAssembly file of the
 * build, at high levels since it happens once; the server sends them to browsers that accept them.
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
        // Brotli's best takes seconds a megabyte; past one, level 9 is 15 % bigger and 15 times faster.
        const quality = content.length > 1_000_000 ? 9 : 11;
        writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } }));
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

/** Where @twilio/video-processors keeps its person segmentation model, runtime and worker. */
const segmentationBuild = fileURLToPath(new URL('node_modules/@twilio/video-processors/dist/build/', import.meta.url));
/** The files background effects load at run time (web/lib/background-effects.ts), served from `/segmentation/`. */
const segmentationFiles = [
  'selfie_segmentation_landscape.tflite',
  'tflite-1-0-0.js',
  'tflite-1-0-0.wasm',
  'tflite-simd-1-0-0.js',
  'tflite-simd-1-0-0.wasm',
  'twilio-gaussian-blur-background-processor-pipeline-worker.js',
  'twilio-virtual-background-processor-pipeline-worker.js',
];

/**
 * Serves the background effects' files at `/segmentation/`: copied into the build, and straight
 * from node_modules by the dev server. They are fetched only once a person picks an effect.
 */
function segmentationAssets(): Plugin {
  const types: Record<string, string> = { js: 'text/javascript', wasm: 'application/wasm', tflite: 'application/octet-stream' };
  return {
    name: 'parley-segmentation-assets',
    generateBundle() {
      for (const name of segmentationFiles) this.emitFile({ type: 'asset', fileName: `segmentation/${name}`, source: readFileSync(join(segmentationBuild, name)) });
    },
    configureServer(server) {
      server.middlewares.use('/segmentation/', (request, response, next) => {
        const name = (request.url ?? '').slice(1).split('?')[0]!;
        if (!segmentationFiles.includes(name)) return next();
        response.setHeader('content-type', types[name.split('.').pop()!]!);
        createReadStream(join(segmentationBuild, name)).pipe(response);
      });
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
  plugins: [svelte(), precompress(), segmentationAssets()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // Background pictures stay files, fetched when shown, never inlined into the page's code.
    assetsInlineLimit: (file) => (file.includes('/backgrounds/') ? false : undefined),
    rolldownOptions: { input: { main: page('index.html'), inspector: page('inspector.html') } },
  },
  server: {
    proxy: { '/ws': { target: 'ws://127.0.0.1:8080', ws: true } },
  },
});
