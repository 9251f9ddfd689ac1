import type { Page } from 'playwright-core';

/**
 * The loudest sound each remote video played during `windowMs`, by peer id, measured as a
 * person would hear it: from the element's own output (`captureStream()`), through WebAudio.
 * A muted element, or a peer whose microphone is off, reads 0 (their silence is digital).
 * The element's `muted` flag is returned beside it, since a muted element plays nothing.
 */
export async function remoteLoudness(page: Page, windowMs = 1_500): Promise<Record<string, { muted: boolean; peak: number }>> {
  return page.evaluate(async (duration) => {
    const context = new AudioContext();
    await context.resume();
    const videos = [...document.querySelectorAll<HTMLVideoElement>('[data-testid="remote-video"]')];
    const meters = videos.map((video) => {
      const captured = (video as HTMLVideoElement & { captureStream(): MediaStream }).captureStream();
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      if (captured.getAudioTracks().length > 0) context.createMediaStreamSource(captured).connect(analyser);
      return { id: video.dataset.peerId ?? '', muted: video.muted, analyser, samples: new Float32Array(1024), peak: 0 };
    });
    const end = performance.now() + duration;
    while (performance.now() < end) {
      for (const meter of meters) {
        meter.analyser.getFloatTimeDomainData(meter.samples);
        for (const sample of meter.samples) meter.peak = Math.max(meter.peak, Math.abs(sample));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await context.close();
    return Object.fromEntries(meters.map((meter) => [meter.id, { muted: meter.muted, peak: meter.peak }]));
  }, windowMs);
}

/** Peak above which a remote person is audibly there: Chromium's fake microphone beeps near full scale. */
export const audible = 0.05;
