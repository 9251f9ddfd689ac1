import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfig } from '../../server/config.ts';
import { buildApp } from '../../server/app.ts';
import { configurationTable } from '../../server/config-table.ts';

describe('configuration from the environment', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      maxPayload: 65_536,
      maxCapacity: 8,
      resumeGraceMs: 20_000,
      pingIntervalMs: 15_000,
      logLevel: 'info',
      stunUrls: [],
      turnUrls: [],
    });
    expect(config.rateLimit).toMatchObject({ perSecond: 50, burst: 200 });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      MAX_PAYLOAD: '32768',
      MAX_CAPACITY: '4',
      RESUME_GRACE_MS: '5000',
      PING_INTERVAL_MS: '1000',
      RATE_LIMIT: '20:80',
      LOG_LEVEL: 'debug',
      STUN_URLS: 'stun:a.example:3478, stun:b.example:3478',
      TURN_URLS: 'turn:t.example:3478',
      TURN_SECRET: 's3cret',
      TURN_TTL_S: '3600',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      maxPayload: 32_768,
      maxCapacity: 4,
      resumeGraceMs: 5_000,
      pingIntervalMs: 1_000,
      rateLimit: { ...defaultConfig.rateLimit, perSecond: 20, burst: 80 },
      logLevel: 'debug',
      stunUrls: ['stun:a.example:3478', 'stun:b.example:3478'],
      turnUrls: ['turn:t.example:3478'],
      turnSecret: 's3cret',
      turnTtlS: 3_600,
    });
  });

  it('names every malformed variable at once', () => {
    const attempt = (): unknown => loadConfig({ PORT: 'http', RATE_LIMIT: '50/s', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(3);
      for (const name of ['PORT', 'RATE_LIMIT', 'LOG_LEVEL']) expect((error as Error).message).toContain(name);
    }
  });

  it('refuses TURN URLs without a secret, and values out of range', () => {
    expect(() => loadConfig({ TURN_URLS: 'turn:t.example:3478' })).toThrow(/TURN_SECRET/);
    expect(() => loadConfig({ STUN_URLS: 'http://nope' })).toThrow(/stun:/);
    expect(() => loadConfig({ MAX_CAPACITY: '1' })).toThrow(/MAX_CAPACITY must be from 2 to 64/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be from 0 to 65535/);
  });

  it('refuses a delay longer than a timer can hold, instead of firing it after 1 ms', () => {
    for (const name of ['PING_INTERVAL_MS', 'RESUME_GRACE_MS', 'IDLE_TIMEOUT_MS']) {
      expect(() => loadConfig({ [name]: '3000000000' })).toThrow(new RegExp(`${name} must be from \\d+ to 2147483647, got "3000000000"`));
    }
    expect(loadConfig({ PING_INTERVAL_MS: '2147483647' }).pingIntervalMs).toBe(2_147_483_647);
  });

  it('lists malformed and out-of-range values together, each under its variable', () => {
    try {
      loadConfig({ PORT: 'eighty', RESUME_GRACE_MS: '3000000000', MAX_CAPACITY: '1', RATE_LIMIT: 'lots', INSPECT_ROOMS: 'yes' });
      expect.unreachable();
    } catch (error) {
      const { problems } = error as ConfigError;
      expect(problems.map((problem) => problem.split(' ')[0]).sort()).toEqual(['INSPECT_ROOMS', 'MAX_CAPACITY', 'PORT', 'RATE_LIMIT', 'RESUME_GRACE_MS']);
    }
  });

  it('reads the edge limits', () => {
    const config = loadConfig({
      MAX_SOCKETS_PER_IP: '5',
      MAX_SOCKETS: '100',
      MAX_ROOMS: '50',
      ROOMS_PER_MINUTE: '3',
      SEND_BUFFER_LIMIT: '65536',
      HELD_QUEUE_BYTES: '1048576',
      IDLE_TIMEOUT_MS: '5000',
      RATE_LIMIT_BYTES: '1000:70000',
      ALLOWED_ORIGINS: 'https://app.example, http://localhost:5173',
    });
    expect(config).toMatchObject({
      maxSocketsPerIp: 5,
      maxSockets: 100,
      maxRooms: 50,
      roomsPerMinute: 3,
      sendBufferLimit: 65_536,
      heldQueueBytes: 1_048_576,
      idleTimeoutMs: 5_000,
      rateLimit: { perSecond: 50, burst: 200, bytesPerSecond: 1_000, byteBurst: 70_000 },
      allowedOrigins: ['https://app.example', 'http://localhost:5173'],
    });
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.1']);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://app.example/path' })).toThrow(/ALLOWED_ORIGINS/);
  });

  it('checks options given to buildApp as well', async () => {
    await expect(buildApp({ maxCapacity: 1 })).rejects.toThrow(ConfigError);
    await expect(buildApp({ rateLimit: { burst: 0 } })).rejects.toThrow(/rateLimit.burst/);
  });
});

describe('configuration documented', () => {
  it('README\'s table lists every variable the server reads, with its default and meaning', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(configurationTable(root));
  });
});
