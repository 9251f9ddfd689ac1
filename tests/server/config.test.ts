import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfig } from '../../server/config.ts';
import { buildApp } from '../../server/app.ts';

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
    expect(() => loadConfig({ MAX_CAPACITY: '1' })).toThrow(/maxCapacity/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/port/);
  });

  it('checks options given to buildApp as well', async () => {
    await expect(buildApp({ maxCapacity: 1 })).rejects.toThrow(ConfigError);
    await expect(buildApp({ rateLimit: { burst: 0 } })).rejects.toThrow(/rateLimit.burst/);
  });
});
