/**
 * `npm start`: brings dist/ up to date (scripts/ensure-build.mjs), then runs the compiled
 * server in this same process, so the signals a container stop sends to `npm start` reach the
 * server itself and it drains its clients.
 */
import { ensureBuild } from './ensure-build.mjs';

try {
  await ensureBuild();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
await import('../dist/node/server/main.js');
