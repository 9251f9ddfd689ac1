import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How much a cut drops: every packet to and from the ports unless told otherwise. */
export interface CutOptions {
  /** Only packets sent from the ports (one way), not those sent to them. */
  fromOnly?: boolean;
  /** The share of packets dropped, in percent, chosen at random per packet: a lossy path, not a dead one. */
  percent?: number;
}

/**
 * Cuts UDP on loopback to and from the given ports only, with an nftables table of its own
 * (unique name), so other processes on the machine, other tests included, keep their traffic.
 * `restore()` deletes the table; call it in a cleanup hook too, it is safe to call twice.
 */
export class LoopbackCut {
  private readonly table = `parley_cut_${process.pid}_${randomBytes(3).toString('hex')}`;
  private active = false;

  constructor(
    /** Ports and inclusive port ranges (`[low, high]`) whose UDP traffic is dropped. */
    private readonly ports: ReadonlyArray<number | readonly [number, number]>,
    private readonly options: CutOptions = {},
  ) {}

  /** Drops the UDP packets on loopback from (and to) the ports, from now on. */
  async cut(): Promise<void> {
    const set = this.ports.map((port) => (typeof port === 'number' ? String(port) : `${port[0]}-${port[1]}`)).join(', ');
    const chance = this.options.percent === undefined ? '' : ` numgen random mod 100 < ${this.options.percent}`;
    const rules = [
      `table inet ${this.table} {`,
      '  chain output {',
      '    type filter hook output priority 0; policy accept;',
      `    oifname "lo" udp sport { ${set} }${chance} drop`,
      ...(this.options.fromOnly ? [] : [`    oifname "lo" udp dport { ${set} }${chance} drop`]),
      '  }',
      '}',
    ].join('\n');
    const child = run('nft', ['-f', '-']);
    child.child.stdin!.end(rules);
    await child;
    this.active = true;
  }

  /** Lets the traffic through again. */
  async restore(): Promise<void> {
    if (!this.active) return;
    await run('nft', ['delete', 'table', 'inet', this.table]);
    this.active = false;
  }
}
