import { createHmac } from 'node:crypto';
import type { IceServer } from '../protocol/messages.ts';
import type { ServerConfig } from './config.ts';

/** What `iceServersFor` needs from the configuration. */
export type IceConfig = Pick<ServerConfig, 'stunUrls' | 'turnUrls' | 'turnSecret' | 'turnTtlS'>;

/**
 * The RTCIceServer list for one peer's `joined`. TURN credentials follow coturn's REST API
 * (`use-auth-secret`): username `<expiry unix seconds>:<peerId>`, credential
 * base64(HMAC-SHA1(secret, username)); coturn checks them with the shared secret alone, and
 * they stop working at expiry, so a leaked one is worth little.
 */
export function iceServersFor(config: IceConfig, peerId: string, nowMs: number): IceServer[] {
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: config.stunUrls });
  if (config.turnUrls.length > 0 && config.turnSecret) {
    const username = `${Math.floor(nowMs / 1000) + config.turnTtlS}:${peerId}`;
    const credential = createHmac('sha1', config.turnSecret).update(username).digest('base64');
    servers.push({ urls: config.turnUrls, username, credential });
  }
  return servers;
}
