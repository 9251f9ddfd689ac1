import type { AppOptions } from '../../server/app.ts';

/**
 * Per-address limits and the byte rate for servers under test. Every test client connects
 * from 127.0.0.1, so the production defaults (20 sockets, 30 rooms a minute per address)
 * would count a whole suite as one client, and tests of queues send many 60 KiB frames at
 * once. The tests of those limits set them explicitly.
 */
export const loopbackLimits: AppOptions = {
  maxSocketsPerIp: 100_000,
  roomsPerMinute: 1_000_000,
  rateLimit: { bytesPerSecond: 1024 * 1024 * 1024, byteBurst: 1024 * 1024 * 1024 },
};
