import { Redis } from 'ioredis';
import { clusterKeys } from './cluster-keys.ts';

/** How long a command may wait for Redis before it fails, so nothing hangs while it is away. */
const commandTimeoutMs = 1_000;

/**
 * Takes or renews a room's lease and writes its seats, unless another instance holds it.
 * KEYS: owner, seats. ARGV: instance, lease ms, seats JSON, seats ms. Returns 1, or 0 if lost.
 */
const holdScript = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1`;

/**
 * Takes over a room whose owner is `expected` ('' for none) and whose seats are still known.
 * KEYS: owner, seats. ARGV: instance, expected owner, lease ms.
 * Returns {'claimed', seats JSON}, {'owner', current owner} or {'none', ''}.
 */
const claimScript = `
local owner = redis.call('GET', KEYS[1]) or ''
if owner ~= ARGV[2] then return {'owner', owner} end
local seats = redis.call('GET', KEYS[2])
if not seats then return {'none', ''} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return {'claimed', seats}`;

/**
 * Deletes a room's owner key if this instance still owns it, and its seats too unless ARGV[2]
 * is '0' (handing the room over: the seats stay for the next owner). KEYS: owner, seats.
 */
const releaseScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then redis.call('DEL', KEYS[1]) else redis.call('DEL', KEYS[1], KEYS[2]) end
return 1`;

/** What arrives on this instance's channel, already parsed. */
export type LinkListener = (message: unknown) => void;

/**
 * The two Redis connections of one instance (ioredis): one for commands and publishing, one
 * subscribed to the instance's own channel. Both reconnect on their own; while Redis is away
 * commands fail at once (no offline queue) or after `commandTimeoutMs`, never hang.
 */
export class RedisLink {
  private readonly commands: Redis;
  private readonly subscriber: Redis;

  constructor(
    url: string,
    /** This instance's id, unique in the deployment. */
    readonly instanceId: string,
    listener: LinkListener,
    onError: (error: Error) => void,
  ) {
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: commandTimeoutMs, retryStrategy: () => 200 };
    this.commands = new Redis(url, options);
    // The subscriber queues its SUBSCRIBE until connected, and ioredis subscribes again after a reconnect.
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true, commandTimeout: undefined });
    this.commands.on('error', onError);
    this.subscriber.on('error', onError);
    this.subscriber.on('message', (_channel: string, text: string) => {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      listener(message);
    });
    void this.subscriber.subscribe(clusterKeys.instance(instanceId)).catch(onError);
  }

  /** Resolves once both connections are up and subscribed (or rejects after `timeoutMs`). */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.commands.status !== 'ready' || (await this.alive(this.instanceId).catch(() => false)) === false) {
      if (Date.now() > deadline) throw new Error('Redis did not answer');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Whether commands can reach Redis now. */
  get connected(): boolean {
    return this.commands.status === 'ready';
  }

  /** Sends `message` to instance `instanceId`; lost silently while Redis is away. */
  send(instanceId: string, message: object): void {
    if (!this.connected) return;
    this.commands.publish(clusterKeys.instance(instanceId), JSON.stringify(message)).catch(() => undefined);
  }

  /** Whether instance `instanceId` is alive: its subscriber connection to Redis is open. */
  async alive(instanceId: string): Promise<boolean> {
    const reply = (await this.commands.call('PUBSUB', 'NUMSUB', clusterKeys.instance(instanceId))) as [string, number];
    return Number(reply[1]) > 0;
  }

  /** The instance that owns `roomId` now, or `null`. */
  async ownerOf(roomId: string): Promise<string | null> {
    return this.commands.get(clusterKeys.owner(roomId));
  }

  /** Takes or renews the lease of `roomId` with its seats; `false` if another instance holds it. */
  async hold(roomId: string, leaseMs: number, seats: string, seatsMs: number): Promise<boolean> {
    const held = await this.commands.eval(holdScript, 2, clusterKeys.owner(roomId), clusterKeys.seats(roomId), this.instanceId, leaseMs, seats, seatsMs);
    return held === 1;
  }

  /** Takes over `roomId` from `expected` (a dead instance, or '' for none). */
  async claim(roomId: string, expected: string, leaseMs: number): Promise<{ outcome: 'claimed' | 'owner' | 'none'; value: string }> {
    const [outcome, value] = (await this.commands.eval(claimScript, 2, clusterKeys.owner(roomId), clusterKeys.seats(roomId), this.instanceId, expected, leaseMs)) as [string, string];
    return { outcome: outcome as 'claimed' | 'owner' | 'none', value };
  }

  /**
   * Forgets `roomId` in Redis, if this instance still owns it; with `keepSeats` only the lease
   * goes, so the first instance a returning seat reaches takes the room over at once.
   */
  async release(roomId: string, keepSeats = false): Promise<void> {
    await this.commands.eval(releaseScript, 2, clusterKeys.owner(roomId), clusterKeys.seats(roomId), this.instanceId, keepSeats ? '0' : '1');
  }

  /** Closes both connections. */
  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.commands.quit().catch(() => this.commands.disconnect());
  }
}
