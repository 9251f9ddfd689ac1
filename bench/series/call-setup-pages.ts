/**
 * What the call-setup series runs inside Chromium: an observer added to Parley's pages that
 * stamps when a peer's handshake reads `connected` and when a remote video shows its first
 * frame, and the floor page, which connects two RTCPeerConnections to each other in one page
 * with no server at all. Times are epoch milliseconds (performance.timeOrigin + now()) so they
 * compare with the load generator's Date.now().
 */

/** What a page has recorded so far. */
export interface PageStamps {
  connected?: number;
  firstFrame?: number;
  error?: string;
}

/**
 * Added to Parley's pages before they load (B) or right after (A). A MutationObserver watches
 * the PAGE.md test ids; the first frame is the earlier of requestVideoFrameCallback's
 * presentation time and the first poll that sees getVideoPlaybackQuality().totalVideoFrames > 0.
 */
export const parleyObserverScript = `(() => {
  if (window.__benchObserving) return;
  window.__benchObserving = true;
  const stamps = window.__benchStamps || {};
  window.__benchStamps = stamps;
  const now = () => performance.timeOrigin + performance.now();
  const watched = new WeakSet();
  const markFrame = (time) => { if (stamps.firstFrame === undefined || time < stamps.firstFrame) stamps.firstFrame = time; };
  const watchVideo = (video) => {
    if (watched.has(video)) return;
    watched.add(video);
    if ('requestVideoFrameCallback' in video) {
      video.requestVideoFrameCallback((time, meta) => markFrame(performance.timeOrigin + (meta.presentationTime || time)));
    }
    const deadline = now() + 30000;
    const poll = () => {
      const quality = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : undefined;
      if (quality && quality.totalVideoFrames > 0) markFrame(now());
      else if (now() < deadline) setTimeout(poll, 4);
    };
    poll();
  };
  const check = () => {
    if (stamps.connected === undefined) {
      for (const node of document.querySelectorAll('[data-testid="handshake-state"]')) {
        if (node.textContent.trim() === 'connected') { stamps.connected = now(); break; }
      }
    }
    for (const video of document.querySelectorAll('video[data-testid="remote-video"]')) watchVideo(video);
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  check();
})();`;

/**
 * The floor: both ends of a call in one page, with the same fake camera and microphone and
 * no signaling server. B offers (as Parley's newcomer does), candidates go straight across,
 * and B shows A's video. It starts the moment the page's script runs; the first frame is
 * stamped by the same observer as Parley's.
 */
export const floorPageHtml = () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floor</title></head>
<body><script>
(async () => {
  const stamps = {};
  window.__benchStamps = stamps;
  const now = () => performance.timeOrigin + performance.now();
  try {
    const constraints = { audio: true, video: true };
    const [streamA, streamB] = await Promise.all([
      navigator.mediaDevices.getUserMedia(constraints),
      navigator.mediaDevices.getUserMedia(constraints),
    ]);
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (event) => b.addIceCandidate(event.candidate ?? null).catch(() => {});
    b.onicecandidate = (event) => a.addIceCandidate(event.candidate ?? null).catch(() => {});
    for (const track of streamA.getTracks()) a.addTrack(track, streamA);
    for (const track of streamB.getTracks()) b.addTrack(track, streamB);
    const onState = () => {
      if (stamps.connected === undefined && a.connectionState === 'connected' && b.connectionState === 'connected') stamps.connected = now();
    };
    a.onconnectionstatechange = onState;
    b.onconnectionstatechange = onState;
    const video = document.createElement('video');
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    video.setAttribute('data-testid', 'remote-video');
    document.body.append(video);
    b.ontrack = (event) => { if (video.srcObject !== event.streams[0]) video.srcObject = event.streams[0]; };
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
  } catch (error) {
    stamps.error = String(error);
  }
})();
</script>
<script>${parleyObserverScript}</script></body></html>
`;
