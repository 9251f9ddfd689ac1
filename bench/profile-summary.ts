/**
 * Reads a V8 CPU profile (`node --cpu-prof`) into shares of time: by area of the code (which
 * package or folder), by function self time, and by function inclusive time, counting only
 * samples taken inside a time window.
 */

/** The parts of a .cpuprofile this reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One function's place in a profile. */
export type CallFrame = CpuProfile['nodes'][number]['callFrame'];

/** A share of the sampled time, in percent. */
export interface Share {
  name: string;
  share: number;
}

export interface ProfileSummary {
  sampledMs: number;
  areas: Share[];
  selfTop: Share[];
  inclusiveTop: Share[];
}

/** Names the part of the code a URL belongs to. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  for (const folder of ['server', 'machines', 'protocol', 'bench']) if (url.includes(`/${folder}/`)) return `${folder}/`;
  return 'other';
}

function functionLabel(frame: CallFrame): string {
  const file = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|machines|protocol|bench)\//, '$1/');
  // tsx serves each file as one minified line, so the column is what tells functions apart.
  const where = frame.lineNumber === 0 ? `col ${frame.columnNumber}` : `line ${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file} ${where}` : ''}`;
}

/** Areas whose inclusive times are worth listing (where a fix would go). */
const ownAreas = new Set(['server/', 'machines/', 'protocol/', 'xstate', 'ws', '@fastify/websocket', 'fastify', '@sinclair/typebox']);

/**
 * How to read a profile's frames: which area of the code each belongs to, which areas' functions
 * are worth listing by inclusive time, and a function's name. The server's by default; the call
 * page's bundle is read by bench/call-setup-profile.ts.
 */
export interface ProfileReading {
  areaOf(frame: CallFrame): string;
  isOwn(area: string): boolean;
  label(frame: CallFrame): string;
}

const serverReading: ProfileReading = {
  areaOf: (frame) => areaOf(frame.url, frame.functionName),
  isOwn: (area) => ownAreas.has(area),
  label: functionLabel,
};

/** Summarises `profile`, counting samples between `window.start` and `window.end` (µs, monotonic). */
export function summarizeProfile(profile: CpuProfile, window: { start: number; end: number }, reading: ProfileReading = serverReading): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfMicros = new Map<number, number>();
  let time = profile.startTime;
  let inWindow = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    const delta = profile.timeDeltas[index] ?? 0;
    time += delta;
    if (time < window.start || time > window.end) continue;
    const id = profile.samples[index]!;
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
    inWindow += delta;
  }
  // No samples in the window (clocks disagree): count the whole profile rather than nothing.
  if (inWindow === 0) return summarizeProfile(profile, { start: -Infinity, end: Infinity }, reading);

  const areas = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    const area = reading.areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    const label = reading.label(frame);
    selfByFunction.set(label, (selfByFunction.get(label) ?? 0) + micros);
    // Every function on this sample's stack gets the time once, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const stackFrame = byId.get(at)!.callFrame;
      if (!reading.isOwn(reading.areaOf(stackFrame))) continue;
      const stackLabel = reading.label(stackFrame);
      if (seen.has(stackLabel)) continue;
      seen.add(stackLabel);
      inclusiveByFunction.set(stackLabel, (inclusiveByFunction.get(stackLabel) ?? 0) + micros);
    }
  }
  const shares = (map: Map<string, number>): Share[] =>
    [...map].map(([name, micros]) => ({ name, share: (100 * micros) / inWindow })).sort((a, b) => b.share - a.share);
  return { sampledMs: inWindow / 1000, areas: shares(areas), selfTop: shares(selfByFunction), inclusiveTop: shares(inclusiveByFunction) };
}
