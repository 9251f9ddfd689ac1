/**
 * The human-readable report: one plain-text table per series, ratios beside their peers, and
 * the brief's targets with whether this run met them.
 */
import type { BenchResults } from './results.ts';
import type { RelayFigures } from './series/relay.ts';

/** The figures every ratio row shows. */
interface RatioFigures {
  payload: string;
  messagesPerSecond: number;
  oneWayP50: number;
  oneWayP99: number;
  cpuPerMessage: number;
}

type Cell = string | number;

/** Formats rows as a left-aligned text table under `headers`. */
export function formatTable(headers: readonly string[], rows: readonly Cell[][]): string {
  const text = rows.map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...text.map(line)].join('\n');
}

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const times = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const kib = (bytes: number): string => fixed(bytes / 1024, 1);

function machineSection(results: BenchResults): string {
  const { machine } = results;
  return [
    `Parley bench — ${results.mode} mode, ${results.startedAt}`,
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.kernel}, Node ${machine.node}`,
    `Servers ${machine.pinned ? 'pinned to core 0, load generator to core 1 (taskset)' : 'NOT pinned (no taskset)'}; ` +
      `CLK_TCK ${machine.clockTicksPerSecond}; open files ${machine.openFilesLimit}; load average at start ${machine.loadAverage.toFixed(2)}`,
    ...(results.parleyEntry === undefined ? [] : [`Parley server from ${results.parleyEntry}`]),
  ].join('\n');
}

/** Rows of a closed-loop relay table, each named by `who` relayed it (a server, a deployment). */
function relayRows<Row extends RelayFigures>(rows: readonly Row[], who: (row: Row) => string): Cell[][] {
  return rows.map((row) => [
    row.payload,
    who(row),
    Math.round(row.messagesPerSecond),
    fixed(row.oneWayP50Ms, 3),
    fixed(row.oneWayP99Ms, 3),
    fixed(row.cpuMicrosPerMessage, 2),
    row.errors,
    `${Math.round(row.foreignLoad * 100)}%`,
  ]);
}

/** A closed-loop relay table, then its ratios, each ratio named by `name`. */
function relayTables<Ratio extends RatioFigures>(rows: Cell[][], ratios: readonly Ratio[], who: string, name: (ratio: Ratio) => string): string[] {
  const ratioRows = ratios.map((ratio) => [ratio.payload, name(ratio), times(ratio.messagesPerSecond), times(ratio.oneWayP50), times(ratio.oneWayP99), times(ratio.cpuPerMessage)]);
  return [
    formatTable(['payload', who, 'msg/s', 'one-way p50 ms', 'one-way p99 ms', 'server CPU µs/msg', 'errors', 'other load'], rows),
    '',
    formatTable(['payload', 'ratio', 'msg/s', 'p50', 'p99', 'CPU/msg'], ratioRows),
  ];
}

function relaySection(results: BenchResults): string[] {
  const relay = results.relay;
  if (relay === undefined) return [];
  return [
    `Relay, closed loop: ${relay.pairs} pairs ping-pong, medians of ${relay.rounds} round(s)`,
    ...relayTables(relayRows(relay.rows, (row) => row.kind), relay.ratios, 'server', (ratio) => `parley / ${ratio.versus}`),
  ];
}

function clusterSection(results: BenchResults): string[] {
  const cluster = results.cluster;
  if (cluster === undefined) return [];
  if ('skipped' in cluster) return [`Cluster: skipped (${cluster.skipped})`];
  const { kill } = cluster;
  const killLines = 'skipped' in kill
    ? [`kill -9 runs: skipped (${kill.skipped})`]
    : [
        `kill -9 of the room's owner, ${kill.runs} runs (load average ${kill.loadAverage.before.toFixed(2)} before, ${kill.loadAverage.after.toFixed(2)} after): back in the room after ` +
          `p50 ${fixed(kill.killedClientBackMs.p50, 0)} ms, max ${fixed(kill.killedClientBackMs.max, 0)} ms (the killed instance's client); ` +
          `p50 ${fixed(kill.otherClientBackMs.p50, 0)} ms, max ${fixed(kill.otherClientBackMs.max, 0)} ms (the other's)`,
      ];
  return [
    `Cluster (REDIS_URL): ${cluster.pairs} pairs ping-pong through one instance, two with each pair on one (within), two with each pair across; medians of ${cluster.rounds} round(s); CPU of every instance and Redis`,
    ...relayTables(relayRows(cluster.rows, (row) => row.deployment), cluster.ratios, 'deployment', (ratio) => `${ratio.deployment} / ${ratio.versus}`),
    ...killLines,
  ];
}

function openLoopSection(results: BenchResults): string[] {
  const open = results.openLoop;
  if (open === undefined) return [];
  const rows = open.rows.map((row) => [
    row.kind,
    row.sent,
    row.lost,
    row.errors,
    fixed(row.p50Ms, 3),
    fixed(row.p99Ms, 3),
    fixed(row.p999Ms, 3),
    fixed(row.maxMs, 1),
    fixed(row.cpuMicrosPerMessage, 1),
    fixed(row.generatorLagP99Ms, 1),
  ]);
  return [
    `Relay, open loop: ${open.ratePerSecond} ${open.payload} msg/s over ${open.clients} clients, latency from planned send time`,
    formatTable(['server', 'sent', 'lost', 'errors', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'server CPU µs/msg', 'generator lag p99 ms'], rows),
  ];
}

function memorySection(results: BenchResults): string[] {
  const memory = results.memory;
  if (memory === undefined) return [];
  const rows = memory.rows.map((row) => [
    row.kind,
    row.clients,
    kib(row.rssPerClient),
    kib(row.heapPerClient),
    kib(row.externalPerClient),
    fixed(row.baselineRss / 2 ** 20, 0),
    kib(row.generatorRssPerClient),
  ]);
  return [
    `Memory: idle clients (Parley: joined in 1:1 rooms), after GC, per client`,
    formatTable(['server', 'clients', 'RSS KiB', 'heap KiB', 'external KiB', 'baseline RSS MiB', 'generator RSS KiB'], rows),
    ...(memory.note === undefined ? [] : [`note: ${memory.note}`]),
    ...memory.rows
      .filter((row) => row.heapBreakdown !== undefined)
      .map(
        (row) =>
          `${row.kind} heap per client by kind (bytes; RSS above is distorted by the snapshots): ` +
          row.heapBreakdown!.slice(0, 10).map((group) => `${group.name} ${group.bytes.toFixed(0)}`).join(', '),
      ),
  ];
}

function churnSection(results: BenchResults): string[] {
  const churn = results.churn;
  if (churn === undefined) return [];
  const { before, after } = churn;
  return [
    `Churn (Parley): ${churn.cyclesDone}/${churn.cyclesPlanned} create/join/leave cycles at ${fixed(churn.cyclesPerSecond, 0)}/s ` +
      `over ${fixed(churn.seconds, 1)} s, ${churn.failures} failed${churn.firstFailure ? ` (first: ${churn.firstFailure})` : ''}; ` +
      `cycle p50 ${fixed(churn.cycleP50Ms, 1)} ms, p99 ${fixed(churn.cycleP99Ms, 1)} ms`,
    formatTable(
      ['when', 'rooms', 'members', 'connections', 'heap MiB', 'RSS MiB'],
      [
        ['before', before.rooms, before.members, before.connections, fixed(before.heapUsed / 2 ** 20, 2), fixed(before.rss / 2 ** 20, 1)],
        ['after', after.rooms, after.members, after.connections, fixed(after.heapUsed / 2 ** 20, 2), fixed(after.rss / 2 ** 20, 1)],
      ],
    ),
    ...(churn.heapGrowth === undefined
      ? []
      : [`heap growth by kind (bytes): ${churn.heapGrowth.slice(0, 10).map((group) => `${group.name} ${group.bytes.toFixed(0)}`).join(', ')}`]),
  ];
}

function callSetupSection(results: BenchResults): string[] {
  const setup = results.callSetup;
  if (setup === undefined) return [];
  if ('skipped' in setup) return [`Call setup: skipped — ${setup.skipped}`];
  // Results from before the two-page floor have none.
  const pair = setup.pairFloor as typeof setup.pairFloor | undefined;
  const pageTasks = (times: typeof setup.parley) =>
    Object.entries(times.longTaskMs)
      .map(([page, ms]) => `${page} ${fixed(ms, 0)}`)
      .join(', ');
  const row = (name: string, times: typeof setup.parley): Cell[] => [
    name,
    `${times.runs}${times.failures > 0 ? ` (+${times.failures} failed)` : ''}`,
    fixed(times.connectedP50Ms, 0),
    fixed(times.connectedP95Ms, 0),
    fixed(times.firstFrameP50Ms, 0),
    fixed(times.firstFrameP95Ms, 0),
  ];
  return [
    'Call setup in Chromium (fake media, loopback): ms from opening the page/link',
    formatTable(
      ['setup', 'runs', 'connected p50', 'connected p95', 'first frame p50', 'first frame p95'],
      [row('parley', setup.parley), row('floor', setup.floor), ...(pair ? [row('two pages', pair)] : [])],
    ),
    `parley − floor, connected p50: ${fixed(setup.connectedP50OverFloorMs, 0)} ms; ratios: connected p50 ${times(setup.connectedP50Ratio)}, first frame p50 ${times(setup.firstFrameP50Ratio)}`,
    ...(pair
      ? [
          `parley − two-page floor (bare pages, one per person, through a bare relay), connected p50: ${fixed(setup.connectedP50OverPairFloorMs, 0)} ms;` +
            ` two pages − one page: ${fixed(pair.connectedP50Ms - setup.floor.connectedP50Ms, 0)} ms`,
        ]
      : []),
    ...(setup.parley.firstFailure ? [`first Parley failure: ${setup.parley.firstFailure}`] : []),
    ...(setup.floor.firstFailure ? [`first floor failure: ${setup.floor.firstFailure}`] : []),
    ...(pair?.firstFailure ? [`first two-page floor failure: ${pair.firstFailure}`] : []),
    'where the time goes, median ms from the start to the first time of each step:',
    `  parley (B; A: steps of the creator): ${setup.parley.timeline.map(([step, ms]) => `${step} ${fixed(ms, 0)}`).join(', ')}`,
    `  floor:      ${setup.floor.timeline.map(([step, ms]) => `${step} ${fixed(ms, 0)}`).join(', ')}`,
    ...(pair ? [`  two pages (B): ${pair.timeline.map(([step, ms]) => `${step} ${fixed(ms, 0)}`).join(', ')}`] : []),
    `main-thread long tasks until connected (median ms): parley ${pageTasks(setup.parley)}; floor ${fixed(setup.floor.longTaskMs.page ?? Number.NaN, 0)}` +
      (pair ? `; two pages ${pageTasks(pair)}` : ''),
    'CPU a setup takes on this machine (median ms, from the start until connected and the frame shown, by process):',
    `  parley: ${cpuLine(setup.parley.cpuMs)}`,
    `  floor:  ${cpuLine(setup.floor.cpuMs)}`,
    ...(pair ? [`  two pages: ${cpuLine(pair.cpuMs)}`] : []),
  ];
}

/** `total N: kind ms, ...`, largest first; an older results file has no CPU to show. */
function cpuLine(cpuMs: Record<string, number> | undefined): string {
  if (cpuMs === undefined) return 'not measured';
  const total = Object.values(cpuMs).reduce((sum, ms) => sum + ms, 0);
  return `total ${fixed(total, 0)}: ${Object.entries(cpuMs)
    .map(([kind, ms]) => `${kind} ${fixed(ms, 0)}`)
    .join(', ')}`;
}

function pageWeightSection(results: BenchResults): string[] {
  const weight = results.pageWeight;
  if (weight === undefined) return [];
  if ('skipped' in weight) return [`Page weight: skipped — ${weight.skipped}`];
  return [
    `Page weight (${weight.root}, gzip level 6)`,
    formatTable(
      ['asset', 'files', 'raw bytes', 'gzip bytes'],
      [
        ['JS loaded by the call page', weight.js.files, weight.js.rawBytes, weight.js.gzipBytes],
        ['CSS loaded by the call page', weight.css.files, weight.css.rawBytes, weight.css.gzipBytes],
        ['JS, whole build (lazy chunks, inspector page)', weight.allJs.files, weight.allJs.rawBytes, weight.allJs.gzipBytes],
        ['CSS, whole build', weight.allCss.files, weight.allCss.rawBytes, weight.allCss.gzipBytes],
      ],
    ),
  ];
}

function profileSection(results: BenchResults): string[] {
  const profile = results.profile;
  if (profile === undefined) return [];
  const list = (shares: typeof profile.areas, count: number): string[] =>
    shares.slice(0, count).map((share) => `  ${share.share.toFixed(1).padStart(5)}%  ${share.name}`);
  return [
    `Profile of Parley under the relay load (${profile.file}, ${profile.sampledMs.toFixed(0)} ms sampled)`,
    'by area, self time:',
    ...list(profile.areas, 10),
    'by function, self time:',
    ...list(profile.selfTop, 15),
    'by function (server, machines, protocol, ws, fastify, xstate), inclusive time:',
    ...list(profile.inclusiveTop, 15),
  ];
}

/** Above this share of a core taken by other processes, a series' numbers are suspect. */
const noisyLoad = 0.2;

function noiseSection(results: BenchResults): string[] {
  // Page weight and memory do not depend on having the cores to themselves.
  const timed = new Set(['relay', 'open-loop', 'churn', 'call-setup', 'cluster']);
  const noisy = Object.entries(results.otherLoad).filter(([series, load]) => timed.has(series) && load !== undefined && load > noisyLoad);
  if (noisy.length === 0) return [];
  const list = noisy.map(([series, load]) => `${series} ${Math.round(load! * 100)}%`).join(', ');
  return [`WARNING: other processes were busy during this run (share of a core: ${list}). Treat these numbers as noise; rerun on a quiet machine.`];
}

function targetSection(results: BenchResults): string[] {
  if (results.targets.length === 0) return [];
  const rows = results.targets.map((check) => [check.name, check.target, check.value, check.met === null ? '—' : check.met ? 'met' : 'MISSED', check.spread ?? '']);
  return ['Targets (reported, not asserted; rounds: the same ratio in each round of this run)', formatTable(['target', 'goal', 'this run', '', 'rounds'], rows)];
}

/** The whole report as text. */
export function formatReport(results: BenchResults): string {
  const sections = [
    [machineSection(results)],
    noiseSection(results),
    pageWeightSection(results),
    relaySection(results),
    openLoopSection(results),
    memorySection(results),
    churnSection(results),
    callSetupSection(results),
    clusterSection(results),
    profileSection(results),
    targetSection(results),
    Object.entries(results.errors).map(([series, error]) => `ERROR in ${series}: ${error}`),
  ].filter((section) => section.length > 0);
  return sections.map((section) => section.join('\n')).join('\n\n');
}
