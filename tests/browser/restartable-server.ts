import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePageBuilt } from '../support/server.ts';
import { startMain, type MainProcess } from '../support/main-process.ts';

/**
 * `server/main.ts` as its own process serving the built page, that a test can kill (`kill -9`
 * or SIGTERM) and start again on the same port and data directory, as an operator would.
 */
export class RestartableServer {
  /** `http://127.0.0.1:<port>`, the same across restarts. */
  origin = '';
  private main: MainProcess | undefined;
  private port = 0;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'parley-restart-'));

  /** Builds the page if needed and starts the server on a free port. */
  async start(): Promise<void> {
    await ensurePageBuilt();
    await this.launch('0');
  }

  /** Stops the process with `signal` and waits until it is gone. */
  async kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const main = this.main!;
    main.child.kill(signal);
    await main.exited;
  }

  /** Starts the server again on the same port and data directory. */
  async restart(): Promise<void> {
    await this.launch(String(this.port));
  }

  /** Resolves once `/healthz` answers 200, with the time it first did (`performance.now()`). */
  async healthy(): Promise<number> {
    for (;;) {
      const ok = await fetch(`${this.origin}/healthz`).then((response) => response.ok, () => false);
      if (ok) return performance.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Kills the process if it still runs and removes its data directory. */
  async stop(): Promise<void> {
    if (this.main && this.main.child.exitCode === null && this.main.child.signalCode === null) await this.kill('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async launch(port: string): Promise<void> {
    this.main = startMain({ PORT: port, DATA_DIR: this.dataDir });
    this.port = await this.main.port();
    this.origin = `http://127.0.0.1:${this.port}`;
  }
}
