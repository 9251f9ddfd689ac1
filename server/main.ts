/**
 * Runs the Parley server with configuration from the environment (see server/config.ts).
 * SIGTERM/SIGINT close it gracefully: every socket is told `shutting-down` and closed with
 * 1012 so clients reconnect and resume; the process exits within 5 s whatever happens.
 */
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

/** Longest a shutdown may take before the process exits anyway. */
const forceExitMs = 5_000;

/** One line saying why the server could not listen, naming the setting to change. */
function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `Cannot listen: port ${port} is already in use on ${host}; stop what uses it or set PORT to another.`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `Cannot listen: HOST "${host}" is not an address of this machine; set HOST to one (e.g. 127.0.0.1 or 0.0.0.0).`;
    case 'EACCES':
      return `Cannot listen: port ${port} needs privileges on this machine; set PORT to 1024 or above.`;
    default:
      return `Cannot listen on ${host}:${port}: ${error.message}`;
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await buildApp({ ...config, logger: { level: config.logLevel } });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), forceExitMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    console.error(listenProblem(error as NodeJS.ErrnoException, config.host, config.port));
    process.exit(1);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  console.log(`Parley listening on ${config.tlsCert ? 'https' : 'http'}://${host}:${port}`);
}

await main();
