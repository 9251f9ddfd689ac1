import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** How long a start may take: compiling TypeScript on a busy two-core machine can take tens of seconds. */
const startupTimeoutMs = 60_000;

const repository = fileURLToPath(new URL('../..', import.meta.url));

/** `server/main.ts` running as its own process, as `npm start` runs it (without the page build). */
export interface MainProcess {
  child: ChildProcess;
  /** Resolves with the exit code and signal once the process is gone. */
  exited: Promise<[number | null, string | null]>;
  /** Everything it printed so far. */
  output(): string;
  /** What it printed on standard error so far. */
  errors(): string;
  /** Resolves with the port it listens on, once it says so; rejects if it exits first or takes over `startupTimeoutMs`. */
  port(): Promise<number>;
}

/** Starts `server/main.ts` with `env` over the test's environment (PORT 0 unless given). */
export function startMain(env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repository,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => {
    output += String(chunk);
    errors += String(chunk);
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const port = (): Promise<number> => waitForOutput(child, () => output, /http:\/\/127\.0\.0\.1:(\d+)/, startupTimeoutMs).then((match) => Number(match[1]));
  return { child, exited, output: () => output, errors: () => errors, port };
}

/**
 * Resolves with the first match of `pattern` in what `child` printed (`output()`), checked on
 * every chunk it prints; rejects if it exits first or nothing matches within `timeoutMs`.
 */
export function waitForOutput(child: ChildProcess, output: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = output().match(pattern);
      if (match === null) return;
      cleanup();
      resolve(match);
    };
    const fail = (): void => {
      cleanup();
      reject(new Error(`${String(pattern)} never appeared: ${output().slice(-2_000)}`));
    };
    const timer = setTimeout(fail, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', fail);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', fail);
    check();
  });
}
