/**
 * `npm run cert`: makes a self-signed certificate for this machine's names and addresses
 * (hostname, hostname.local, localhost, every network address) in the data directory
 * (`DATA_DIR`, `.parley` by default), so a phone on the same network can open the page over
 * HTTPS: browsers give the camera only to secure pages. It prints the variables to start with.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join, relative } from 'node:path';
import { generate } from 'selfsigned';
import { defaultDataDir } from '../server/config.ts';

/** How long the certificate is valid: a year, as browsers accept for self-signed ones. */
const validDays = 365;

/** The names and addresses of this machine that a browser may use to reach it. */
function machineNames(): { dns: string[]; ips: string[] } {
  const host = hostname();
  const dns = [...new Set(['localhost', host, host.includes('.') ? host : `${host}.local`])];
  const ips = new Set(['127.0.0.1', '::1']);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (!address.address.startsWith('fe80:')) ips.add(address.address);
  }
  return { dns, ips: [...ips] };
}

/** A self-signed certificate and its key (PEM) for `names`. */
async function makeCertificate(names: { dns: string[]; ips: string[] }): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + validDays * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: names.dns[1] ?? names.dns[0]! }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Writes `cert.pem` and `key.pem` (mode 0600) into `folder`; returns their paths. */
async function writeCertificate(folder: string, pems: { cert: string; key: string }): Promise<{ cert: string; key: string }> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const cert = join(folder, 'cert.pem');
  const key = join(folder, 'key.pem');
  await writeFile(cert, pems.cert);
  await writeFile(key, pems.key, { mode: 0o600 });
  return { cert, key };
}

async function main(): Promise<void> {
  const names = machineNames();
  const files = await writeCertificate(process.env.DATA_DIR?.trim() || defaultDataDir, await makeCertificate(names));
  const shown = (file: string) => (relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file));
  console.log(`Made a self-signed certificate for ${[...names.dns, ...names.ips].join(', ')}.`);
  console.log(`Start the server with it:\n  TLS_CERT=${shown(files.cert)} TLS_KEY=${shown(files.key)} HOST=0.0.0.0 npm start`);
}

await main();
