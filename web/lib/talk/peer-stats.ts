/**
 * One second of a connection's `getStats()`, reduced to what the stats panel shows and the
 * inspector's log exports. Pure: the report goes in, numbers come out (tested with plain maps).
 */

/** A candidate's type as `getStats()` names it: host, srflx, prflx or relay. */
export type CandidateType = string;

/** Running totals a rate is measured from, kept between two samples. */
export interface StatsCounters {
  /** `performance.now()`-like time of the report, in ms. */
  at: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsLost: number;
}

/** What the panel shows of one peer at one moment; `null` where the report had nothing yet. */
export interface StatsSample {
  /** Seconds since the page started, to the tenth. */
  t: number;
  rttMs: number | null;
  /** Everything received and sent (audio, video, data), in kbit/s, over the last interval. */
  inKbps: number | null;
  outKbps: number | null;
  /** Share of incoming packets lost over the last interval, in percent. */
  lossPercent: number | null;
  /**
   * Share of what we send that the other end reported lost in its latest receiver report
   * (after retransmission), in percent: the worst of our streams to them.
   */
  sentLossPercent: number | null;
  jitterMs: number | null;
  /** Incoming video's frame rate and size, and codec. */
  fps: number | null;
  resolution: string | null;
  codec: string | null;
  localType: CandidateType | null;
  remoteType: CandidateType | null;
}

type Entry = Record<string, unknown> & { id: string; type: string };

const numberOf = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The candidate pair in use: the transport's selected one, else a nominated pair that succeeded. */
function selectedPair(entries: Entry[], byId: Map<string, Entry>): Entry | undefined {
  const transport = entries.find((entry) => entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string');
  const selected = transport ? byId.get(transport.selectedCandidatePairId as string) : undefined;
  return selected ?? entries.find((entry) => entry.type === 'candidate-pair' && entry.nominated === true && entry.state === 'succeeded');
}

/**
 * Reduces one `getStats()` report (any iterable of its entries) to a sample; `previous` (the
 * counters of the sample before) turns totals into rates. Returns the new counters too.
 */
export function summarizeStats(report: Iterable<unknown>, now: number, previous: StatsCounters | null): { sample: StatsSample; counters: StatsCounters } {
  const entries = [...report] as Entry[];
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const pair = selectedPair(entries, byId);
  const inbound = entries.filter((entry) => entry.type === 'inbound-rtp');
  const video = inbound.find((entry) => entry.kind === 'video');
  const counters: StatsCounters = {
    at: now,
    bytesIn: numberOf(pair?.bytesReceived),
    bytesOut: numberOf(pair?.bytesSent),
    packetsIn: inbound.reduce((sum, entry) => sum + numberOf(entry.packetsReceived), 0),
    packetsLost: inbound.reduce((sum, entry) => sum + Math.max(0, numberOf(entry.packetsLost)), 0),
  };
  const seconds = previous ? (now - previous.at) / 1000 : 0;
  const rate = (bytes: number, before: number | undefined) => (seconds > 0 && before !== undefined ? round(Math.max(0, bytes - before) * 8 / 1000 / seconds) : null);
  const lost = previous ? counters.packetsLost - previous.packetsLost : 0;
  const arrived = previous ? counters.packetsIn - previous.packetsIn : 0;
  // Each report holds until the next, so the share does not jump with the moment it is read.
  const sentLost = entries.filter((entry) => entry.type === 'remote-inbound-rtp' && typeof entry.fractionLost === 'number').map((entry) => numberOf(entry.fractionLost));
  const jitters = inbound.filter((entry) => typeof entry.jitter === 'number').map((entry) => numberOf(entry.jitter));
  const codec = video ? byId.get(String(video.codecId)) : undefined;
  const typeOf = (id: unknown) => (byId.get(String(id))?.candidateType as string | undefined) ?? null;
  return {
    counters,
    sample: {
      t: round(now / 1000),
      rttMs: typeof pair?.currentRoundTripTime === 'number' ? round(pair.currentRoundTripTime * 1000) : null,
      inKbps: rate(counters.bytesIn, previous?.bytesIn),
      outKbps: rate(counters.bytesOut, previous?.bytesOut),
      lossPercent: previous && lost + arrived > 0 ? round((Math.max(0, lost) / (Math.max(0, lost) + arrived)) * 100) : previous ? 0 : null,
      sentLossPercent: sentLost.length > 0 ? round(Math.max(...sentLost) * 100) : null,
      jitterMs: jitters.length > 0 ? round(Math.max(...jitters) * 1000) : null,
      fps: typeof video?.framesPerSecond === 'number' ? video.framesPerSecond : null,
      resolution: video && numberOf(video.frameWidth) > 0 ? `${numberOf(video.frameWidth)}×${numberOf(video.frameHeight)}` : null,
      codec: typeof codec?.mimeType === 'string' ? codec.mimeType.replace(/^video\//, '') : null,
      localType: pair ? typeOf(pair.localCandidateId) : null,
      remoteType: pair ? typeOf(pair.remoteCandidateId) : null,
    },
  };
}
