import { startMain, type MainProcess } from './main-process.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';
import { startHaproxy, type Haproxy } from './haproxy.ts';
import { TestClient } from './test-client.ts';
import type { JoinedMessage } from '../../protocol/messages.ts';

/** The secret every instance of the test deployment shares. */
const secret = 'cluster processes secret, shared';

/** One `server/main.ts` process of the test cluster. */
export interface Instance {
  process: MainProcess;
  port: number;
  url: string;
}

/** A whole deployment on loopback: Redis, two instances (real processes) and HAProxy. */
export interface TestCluster {
  redis: RedisServer;
  instances: [Instance, Instance];
  proxy: Haproxy;
  /** Stops HAProxy, kills what is left of the instances, stops Redis. */
  stop(): Promise<void>;
}

/** Starts one instance on `port` (0: any) with Redis at `redisUrl`, and `env` over the defaults. */
export async function startInstance(redisUrl: string, port = 0, env: Record<string, string> = {}): Promise<Instance> {
  const process = startMain({
    PORT: String(port),
    REDIS_URL: redisUrl,
    SECRET: secret,
    TRUST_PROXY: '127.0.0.1',
    MAX_SOCKETS_PER_IP: '100000',
    ROOMS_PER_MINUTE: '100000',
    RESUME_GRACE_MS: '20000',
    ...env,
  });
  const bound = await process.port();
  return { process, port: bound, url: `ws://127.0.0.1:${bound}/ws` };
}

/** Starts Redis, two instances (with `env`) and HAProxy with deploy/haproxy.cfg in front of them. */
export async function startCluster(env: Record<string, string> = {}): Promise<TestCluster> {
  const redis = await startRedisServer();
  const started = [startInstance(redis.url, 0, env), startInstance(redis.url, 0, env)];
  let instances: [Instance, Instance];
  let proxy: Haproxy;
  try {
    instances = (await Promise.all(started)) as [Instance, Instance];
    proxy = await startHaproxy([instances[0].port, instances[1].port]);
  } catch (error) {
    // Nothing of a deployment that failed to start may outlive the test.
    for (const instance of await Promise.allSettled(started)) if (instance.status === 'fulfilled') instance.value.process.child.kill('SIGKILL');
    await redis.stop();
    throw error;
  }
  return {
    redis,
    instances,
    proxy,
    async stop() {
      await proxy.stop();
      for (const instance of instances) {
        if (instance.process.child.exitCode === null && instance.process.child.signalCode === null) {
          instance.process.child.kill('SIGKILL');
          await instance.process.exited;
        }
      }
      await redis.stop();
    },
  };
}

/**
 * What a page does after its socket dropped: connects again through `url` and joins with its
 * resume token, trying again (every 100 ms) while the connection fails or the server says to
 * try again, until `joined`. Resolves with the new client and its `joined`.
 */
export async function resumeThrough(url: string, roomId: string, resume: string, timeoutMs = 20_000): Promise<{ client: TestClient; joined: JoinedMessage }> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const client = await TestClient.ready(url).catch((error: unknown) => {
      last = String(error);
      return undefined;
    });
    if (client !== undefined) {
      client.send({ type: 'join', roomId, resume });
      const answer = await client.next(undefined, 5_000).catch((error: unknown) => ({ type: 'lost', error: String(error) }));
      if (answer.type === 'joined') return { client, joined: answer as JoinedMessage };
      last = JSON.stringify(answer);
      client.socket.terminate();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no resume within ${timeoutMs} ms; last: ${last}`);
}
