import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * Four projects: `unit` (Node: protocol, machines, server over real loopback sockets),
 * `cluster` (the protocol conformance suites and the Node call again, across two instances on one Redis),
 * `web` (Svelte rune classes and components in jsdom) and `browser` (real Chromium through
 * playwright-core, run by `npm run test:browser`).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/{protocol,machines,server,call}/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          provide: { deployment: 'one instance' },
        },
      },
      {
        // The conformance suites and the Node call again, every client on the next of two
        // instances of a cluster (one real redis-server): what passes on one must pass across two.
        test: {
          name: 'cluster',
          include: ['tests/server/conformance*.test.ts', 'tests/call/node-call.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          provide: { deployment: 'two instances' },
        },
      },
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'web',
          include: ['tests/web/**/*.test.ts'],
          environment: 'jsdom',
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
