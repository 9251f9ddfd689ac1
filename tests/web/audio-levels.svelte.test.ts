import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AudioLevels } from '../../web/lib/audio-levels.svelte.ts';

/**
 * One remote person's connection as the meter reads it: an audio receiver whose packets say
 * how loud they were (`hear`), as the RTP audio-level extension does in a browser.
 */
function remotePerson(ssrc: number) {
  const track = { kind: 'audio', id: `audio-${ssrc}` } as MediaStreamTrack;
  const stream = { getAudioTracks: () => [track] } as unknown as MediaStream;
  let last: RTCRtpSynchronizationSource | null = null;
  const receiver = { track, getSynchronizationSources: () => (last ? [last] : []) } as unknown as RTCRtpReceiver;
  const pc = { getReceivers: () => [receiver] } as unknown as RTCPeerConnection;
  return {
    stream,
    pc,
    /** A packet arrives now at this level (0..1). */
    hear(audioLevel: number) {
      last = { source: ssrc, timestamp: performance.now(), audioLevel, rtpTimestamp: 0 };
    },
  };
}

describe('speaking meters', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('happy path', () => {
    it('lights whoever speaks, the loudest as the active speaker', () => {
      const ana = remotePerson(1);
      const bo = remotePerson(2);
      const levels = new AudioLevels((peerId) => ({ ana: ana.pc, bo: bo.pc })[peerId]);
      levels.watch('ana', ana.stream);
      levels.watch('bo', bo.stream);

      ana.hear(0.3);
      bo.hear(0.05);
      vi.advanceTimersByTime(150);
      expect([...levels.speaking].sort()).toEqual(['ana', 'bo']);
      expect(levels.activeSpeaker).toBe('ana');
      levels.stop();
    });
  });

  describe('edge cases', () => {
    it('goes dark after a moment once packets stop, though the browser still lists their last level', () => {
      const ana = remotePerson(1);
      const levels = new AudioLevels(() => ana.pc);
      levels.watch('ana', ana.stream);
      ana.hear(0.3);
      vi.advanceTimersByTime(150);
      expect(levels.speaking.has('ana')).toBe(true);

      // No new packet: the receiver keeps listing the last loud one.
      vi.advanceTimersByTime(900);
      expect(levels.speaking.has('ana')).toBe(false);
      expect(levels.activeSpeaker).toBeNull();
      levels.stop();
    });

    it('counts room noise as silence, and forgets a person who left', () => {
      const ana = remotePerson(1);
      const levels = new AudioLevels(() => ana.pc);
      levels.watch('ana', ana.stream);
      ana.hear(0.005);
      vi.advanceTimersByTime(150);
      expect(levels.speaking.size).toBe(0);

      ana.hear(0.3);
      levels.forget('ana');
      vi.advanceTimersByTime(150);
      expect(levels.speaking.size).toBe(0);
      levels.stop();
    });
  });
});
