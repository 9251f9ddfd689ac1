/**
 * Child server processes for the benchmark: spawned one per measurement, pinned to their own
 * core, read for CPU time from /proc and asked for memory (after GC) over an IPC channel.
 * Every child is tracked by a `ProcessGroup` so that an error or Ctrl-C never leaves one behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The servers compared: the product, the peer a user would pick instead, and a bare relay. */
export type ServerKind = 'parley' | 'peerjs' | 'floor';

/** What a server child reports about its own memory, right after a full GC. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** Messages a server child sends its parent (see bench/servers/control.ts). */
export type ChildReport =
  | { type: 'ready'; port: number }
  | ({ type: 'memory' } & MemorySample)
  | { type: 'heap-snapshot'; file: string };

/** Options for one server child. */
export interface SpawnOptions {
  /** Extra environment for the child (e.g. Parley's LOG_LEVEL). */
  env?: Record<string, string>;
  /** Extra flags for node, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Working directory of the child (profiles are written there). */
  cwd?: string;
}

const benchDir = path.dirname(fileURLToPath(import.meta.url));
/** The repository root, where `node --import tsx` resolves its loader. */
export const repoRoot = path.resolve(benchDir, '..');

/** The core the servers run on; the load generator takes the other one. */
const serverCore = '0';
const loadCore = '1';

/** True when `taskset` can pin processes (util-linux is installed). */
export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
export function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/**
 * The fields of /proc/<pid>/stat after the command name (which may hold spaces), from field 3
 * (state) on: [1] is the parent's pid, [11] and [12] utime and stime, [13] and [14] those of
 * finished children.
 */
export function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU seconds a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number, ticksPerSecond: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Parent pid and CPU ticks of every process that can be read: its own (utime + stime), and with its reaped children (+ cutime + cstime). */
export function processTable(): Map<number, { parent: number; ticks: number; withChildren: number }> {
  const table = new Map<number, { parent: number; ticks: number; withChildren: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(Number(entry));
      const ticks = Number(fields[11]) + Number(fields[12]);
      table.set(Number(entry), { parent: Number(fields[1]), ticks, withChildren: ticks + Number(fields[13]) + Number(fields[14]) });
    } catch {
      // The process ended while the table was read.
    }
  }
  return table;
}

/** The pids of every process descended from `root`, read from `table`. */
export function descendantsOf(root: number, table: ReturnType<typeof processTable>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, { parent }] of table) children.set(parent, [...(children.get(parent) ?? []), pid]);
  const found: number[] = [];
  const pending = [...(children.get(root) ?? [])];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    found.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * Counts, from now until `stop()`, the CPU seconds of this process and of everything it
 * started (servers, Chromium and all its processes). Counting this process's reaped children
 * is not enough: when a browser closes, Chromium's zygote is left to init, not reaped by this
 * process, and with it the time of every renderer it had reaped; a Chromium series read as if
 * another program had used a core. So every `everyMs` the whole tree is read, each live
 * process with its reaped children (no process is in two places at once), and only the
 * tree's growth between readings is added up: a process that ends unreaped takes nothing
 * already counted with it, and misses only what it used since the last reading (a browser's
 * pages are idle by the time it closes).
 */
export function trackOwnCpu(ticksPerSecond: number, everyMs = 500): { stop(): number } {
  const treeTicks = (): number => {
    const table = processTable();
    let ticks = table.get(process.pid)?.withChildren ?? 0;
    for (const pid of descendantsOf(process.pid, table)) ticks += table.get(pid)!.withChildren;
    return ticks;
  };
  let last = treeTicks();
  let grown = 0;
  const read = (): void => {
    const now = treeTicks();
    grown += Math.max(0, now - last);
    last = now;
  };
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return grown / ticksPerSecond;
    },
  };
}

/** CPU seconds every core of the machine has been busy (not idle or waiting) since boot. */
export function machineBusySeconds(ticksPerSecond: number): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = fields.map(Number) as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / ticksPerSecond;
}

/**
 * Waits until other processes leave the cores alone (they used under `threshold` of a core
 * over half a second), for at most `maxWaitMs`. Returns the share of a core they used in the
 * last half second, so a run that had to start anyway can say so.
 */
export async function waitForQuiet(maxWaitMs: number, threshold = 0.2): Promise<number> {
  if (maxWaitMs <= 0) return 0;
  const ticksPerSecond = clockTicksPerSecond();
  const others = (): number => machineBusySeconds(ticksPerSecond) - cpuSeconds(process.pid, ticksPerSecond);
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const before = others();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const load = Math.max(0, (others() - before) / 0.5);
    if (load < threshold || Date.now() >= deadline) return load;
  }
}

/**
 * Pins this process (all its threads) to the load generator's core, or with `all` releases it
 * to every core again (the browser series needs both).
 */
export function pinSelf(which: 'load' | 'all'): boolean {
  if (!hasTaskset()) return false;
  const cores = which === 'load' ? loadCore : '0-1023';
  try {
    execFileSync('taskset', ['-a', '-pc', cores, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A running server child. */
export class ServerProcess {
  readonly kind: ServerKind;
  readonly child: ChildProcess;
  readonly port: number;
  private readonly ticksPerSecond: number;
  private readonly log: string[];

  constructor(init: { kind: ServerKind; child: ChildProcess; port: number; ticksPerSecond: number; log: string[] }) {
    this.kind = init.kind;
    this.child = init.child;
    this.port = init.port;
    this.ticksPerSecond = init.ticksPerSecond;
    this.log = init.log;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** CPU seconds (user + system) the server has used since it started. */
  cpuSeconds(): number {
    return cpuSeconds(this.pid, this.ticksPerSecond);
  }

  /**
   * CPU seconds used so far by everything on the machine except this server and the load
   * generator: other processes (or the kernel on their behalf) competing for the two cores.
   */
  foreignCpuSeconds(): number {
    return machineBusySeconds(this.ticksPerSecond) - this.cpuSeconds() - cpuSeconds(process.pid, this.ticksPerSecond);
  }

  /** Asks the child to collect garbage and report its memory. */
  async memory(timeoutMs = 10_000): Promise<MemorySample> {
    const reply = await this.request({ type: 'memory' }, 'memory', timeoutMs);
    const { type: _type, ...sample } = reply as { type: 'memory' } & MemorySample;
    return sample;
  }

  /** Asks the child to write a heap snapshot (after GC) to `file`; resolves when written. */
  async heapSnapshot(file: string, timeoutMs = 60_000): Promise<string> {
    const reply = await this.request({ type: 'heap-snapshot', file }, 'heap-snapshot', timeoutMs);
    return (reply as { file: string }).file;
  }

  /** The last lines the child wrote to stdout/stderr, for error messages. */
  recentOutput(): string {
    return this.log.join('').slice(-2_000);
  }

  /** Stops the child (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  async stop(graceMs = 5_000): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private request(message: { type: string; file?: string }, replyType: string, timeoutMs: number): Promise<ChildReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off('message', onMessage);
        reject(new Error(`${this.kind}: no ${replyType} reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (reply: ChildReport): void => {
        if (reply.type !== replyType) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(reply);
      };
      this.child.on('message', onMessage);
      this.child.send(message);
    });
  }
}

/** Spawns and tracks server children; `killAll` is safe to call from exit handlers. */
export class ProcessGroup {
  private readonly children = new Set<ChildProcess>();
  private readonly ticksPerSecond = clockTicksPerSecond();
  readonly pinned = hasTaskset();

  /**
   * `entries` replaces a kind's entry file (bench/servers/<kind>.ts), e.g. with the same file
   * from another checkout, to measure a change to the server beside the unchanged peers.
   */
  constructor(private readonly entries: Partial<Record<ServerKind, string>> = {}) {}

  /** Starts `bench/servers/<kind>.ts` on the server core and waits for it to listen. */
  async start(kind: ServerKind, options: SpawnOptions = {}, timeoutMs = 30_000): Promise<ServerProcess> {
    const entry = this.entries[kind] ?? path.join(benchDir, 'servers', `${kind}.ts`);
    if (!existsSync(entry)) throw new Error(`no server entry ${entry}`);
    const nodeArgs = ['--expose-gc', ...(options.nodeFlags ?? []), '--import', 'tsx', entry];
    const [command, args] = this.pinned
      ? ['taskset', ['-c', serverCore, process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    const log: string[] = [];
    const keep = (chunk: Buffer): void => {
      log.push(chunk.toString());
      if (log.length > 50) log.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);

    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind} did not start within ${timeoutMs} ms:\n${log.join('')}`)), timeoutMs);
      child.on('message', (report: ChildReport) => {
        if (report.type !== 'ready') return;
        clearTimeout(timer);
        resolve(report.port);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${kind} exited (${code ?? signal}) before listening:\n${log.join('')}`));
      });
    });
    return new ServerProcess({ kind, child, port, ticksPerSecond: this.ticksPerSecond, log });
  }

  /** Kills every child still running, at once (for exit and signal handlers). */
  killAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
    this.children.clear();
  }
}
