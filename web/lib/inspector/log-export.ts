import type { LogEntry } from './inspector-log.svelte.ts';
import type { EventSummary } from './summarize-event.ts';
import type { StatsSample } from '../talk/peer-stats.ts';

/**
 * One exported log line: the event's summary (which holds no address and no SDP body) and its
 * time in seconds since the call started, to the millisecond.
 */
export type ExportedEntry = { t: number } & EventSummary;

/** The file "Export log" downloads, for a bug report. */
export interface LogExport {
  format: 'parley-inspector-log';
  version: 1;
  exportedAt: string;
  /** The call machine's state when exported (`inCall`, `rejoining.waiting`). */
  call: { state: string };
  /** Each remote peer's handshake state when exported, newest first as in the panel. */
  peers: Array<{ peerId: string; state: string }>;
  /** Lines dropped from the start because the log is bounded. */
  dropped: number;
  entries: ExportedEntry[];
  /**
   * The last minute of each remote peer's live stats, by peer id, as far as the stats panel
   * was open in it (numbers and candidate types only: no address).
   */
  stats: Record<string, StatsSample[]>;
}

/** What the export is made of. */
export interface LogExportInput {
  entries: readonly LogEntry[];
  dropped: number;
  callState: string;
  peers: Array<{ peerId: string; state: string }>;
  exportedAt: Date;
  /** The stats panel's last minute; none when it was never opened. */
  stats?: Record<string, StatsSample[]>;
}

/**
 * The inspector's log as a JSON-ready object for a bug report. Privacy: entries are copied
 * field by field from summaries that never hold SDP bodies or candidate addresses (see
 * summarize-event.ts), and the room id is left out: while the room lives, it lets anyone in.
 */
export function logExport(input: LogExportInput): LogExport {
  const entries = input.entries.map((entry): ExportedEntry => {
    const exported: ExportedEntry = { t: Math.round(entry.t * 1000) / 1000, type: entry.type, text: entry.text };
    if (entry.peerId !== undefined) exported.peerId = entry.peerId;
    if (entry.bytes !== undefined) exported.bytes = entry.bytes;
    if (entry.candidateType !== undefined) exported.candidateType = entry.candidateType;
    if (entry.protocol !== undefined) exported.protocol = entry.protocol;
    return exported;
  });
  return {
    format: 'parley-inspector-log',
    version: 1,
    exportedAt: input.exportedAt.toISOString(),
    call: { state: input.callState },
    peers: input.peers,
    dropped: input.dropped,
    entries,
    stats: input.stats ?? {},
  };
}
