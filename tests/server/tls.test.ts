import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { startServer } from './helpers.ts';

const run = promisify(execFile);
let dataDir: string;
let cert: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-cert-'));
  // What `npm run cert` runs, into a data directory of the test's own.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/cert.ts'], { env: { ...process.env, DATA_DIR: dataDir } });
  expect(stdout).toContain(`TLS_CERT=${join(dataDir, 'cert.pem')}`);
  cert = await readFile(join(dataDir, 'cert.pem'), 'utf8');
}, 60_000);

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** GET `url` trusting only `ca`; resolves with the status and body. */
function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('HTTPS on a LAN', () => {
  it('npm run cert writes a certificate for this machine and a private key only its owner reads', async () => {
    expect(cert).toContain('BEGIN CERTIFICATE');
    expect((await stat(join(dataDir, 'key.pem'))).mode & 0o077).toBe(0);
  });

  it('a server started with TLS_CERT and TLS_KEY answers over https and wss, its certificate valid for 127.0.0.1', async () => {
    const config = loadConfig({ TLS_CERT: join(dataDir, 'cert.pem'), TLS_KEY: join(dataDir, 'key.pem') });
    const server = await startServer({ tlsCert: config.tlsCert, tlsKey: config.tlsKey });
    const origin = server.origin.replace('http:', 'https:');

    expect(await get(`${origin}/healthz`, cert)).toMatchObject({ status: 200 });
    const socket = new WebSocket(server.url.replace('ws:', 'wss:'), { ca: cert });
    try {
      const first = await new Promise<unknown>((resolve, reject) => {
        socket.once('message', (data) => resolve(JSON.parse(String(data))));
        socket.once('error', reject);
      });
      expect(first).toEqual({ type: 'welcome', protocol: 1 });
    } finally {
      socket.terminate();
    }
  });

  it('says in one line each when only one of the two is set, a file cannot be read, or they are not a certificate and key', async () => {
    const problems = (env: Record<string, string>): string[] => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    const junk = join(dataDir, 'junk.pem');
    await writeFile(junk, 'not a certificate');

    expect(problems({ TLS_CERT: join(dataDir, 'cert.pem') })).toEqual(['TLS_CERT is set but TLS_KEY is not: give both or neither']);
    expect(problems({ TLS_CERT: join(dataDir, 'cert.pem'), TLS_KEY: join(dataDir, 'missing.pem') })).toEqual([`TLS_KEY: cannot read ${join(dataDir, 'missing.pem')} (ENOENT)`]);
    expect(problems({ TLS_CERT: junk, TLS_KEY: join(dataDir, 'key.pem') })).toEqual([expect.stringMatching(/^TLS_CERT and TLS_KEY are not a PEM certificate and its key \(.+\)$/)]);
  });
});
