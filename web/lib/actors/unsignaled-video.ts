/**
 * Works around a Chromium bug seen in Chromium 156: rolling back a local offer gives every
 * transceiver a new media channel, and libwebrtc's video receiver only connects its track to
 * the new channel when the remote SSRC changed (`VideoRtpReceiver`'s restart returns early
 * for the same SSRC). The side that rolled back went on decoding the other's camera while
 * its `<video>` stayed frozen: after every glare, the polite side lost the picture.
 *
 * The remote offer applied right after a rollback is therefore applied without the SSRCs of
 * its video sections: the receivers then take the section's unsignaled stream (found by its
 * MID), which is a change, so they connect again. The next remote description names the
 * SSRCs again, another change, and everything is as before. Audio is not affected.
 */

/** `sdp` without the `a=ssrc` and `a=ssrc-group` lines of its video sections; every other line as it was. */
export function withoutVideoSsrcs(sdp: string): string {
  const lines = sdp.split('\r\n');
  let inVideo = false;
  const kept = lines.filter((line) => {
    if (line.startsWith('m=')) inVideo = line.startsWith('m=video ');
    return !(inVideo && (line.startsWith('a=ssrc:') || line.startsWith('a=ssrc-group:')));
  });
  return kept.join('\r\n');
}
