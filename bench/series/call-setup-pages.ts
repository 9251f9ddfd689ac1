/**
 * What the call-setup series runs inside Chromium: an observer added to every page that stamps
 * when a peer's handshake reads `connected` and when a remote video shows its first frame, and
 * keeps a timeline of the first time each step happened (page loaded, camera ready, socket
 * open, each message type in and out, each handshake state), so a slow setup shows where its
 * time went. Also the floor page, which connects two RTCPeerConnections to each other in one
 * page with no server at all. Times are epoch milliseconds (performance.timeOrigin + now())
 * so they compare with the load generator's Date.now().
 */

/** What a page has recorded so far. */
export interface PageStamps {
  connected?: number;
  firstFrame?: number;
  error?: string;
  /** First time of each step, by name (e.g. `media.ready`, `ws.in.joined`, `state.offering`). */
  timeline: Record<string, number>;
  /** Main-thread tasks over 50 ms, as [start, duration] (epoch ms, ms): time the page was busy. */
  longTasks: Array<[number, number]>;
}

/**
 * The observer, added to every page before it loads. A MutationObserver watches the page's test ids; the first
 * frame is the earlier of requestVideoFrameCallback's presentation time and the first poll that
 * sees getVideoPlaybackQuality().totalVideoFrames > 0. getUserMedia and WebSocket are wrapped,
 * only to note the time of each step. Handshake states are noted each time they change.
 */
export const observerScript = `(() => {
  if (window.__benchStamps) return;
  const stamps = { timeline: {}, longTasks: [] };
  window.__benchStamps = stamps;
  const now = () => performance.timeOrigin + performance.now();
  // Whoever waits for stamps (the bench, through __benchWhen) is told as they are written,
  // so nothing polls the page while it sets up its call.
  const waiters = new Set();
  const settle = () => { for (const waiter of waiters) waiter(); };
  window.__benchSettle = settle;
  window.__benchWhen = (keys) => new Promise((resolve) => {
    const waiter = () => {
      if (stamps.error === undefined && !keys.every((key) => stamps[key] !== undefined)) return;
      waiters.delete(waiter);
      resolve();
    };
    waiters.add(waiter);
    waiter();
  });
  const mark = (what, time = now()) => { if (!(what in stamps.timeline)) stamps.timeline[what] = time; settle(); };
  // Steps that may happen again (a second camera request) get #2, #3, ... up to #5.
  const counts = {};
  const markEach = (what, time = now()) => {
    counts[what] = (counts[what] || 0) + 1;
    if (counts[what] <= 5) mark(counts[what] === 1 ? what : what + '#' + counts[what], time);
  };
  const describe = (text) => {
    try {
      const message = JSON.parse(text);
      return message.type === 'signal' && message.data ? 'signal.' + Object.keys(message.data)[0] : String(message.type);
    } catch { return 'other'; }
  };
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const start = performance.timeOrigin + entry.startTime;
        stamps.longTasks.push([start, entry.duration]);
        markEach('longtask.start', start);
        markEach('longtask.end', start + entry.duration);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  if (navigator.mediaDevices) {
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      markEach('media.request');
      const stream = await getUserMedia(constraints);
      markEach('media.ready');
      return stream;
    };
  }
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      mark('ws.connecting');
      this.addEventListener('open', () => mark('ws.open'));
      this.addEventListener('message', (event) => mark('ws.in.' + describe(event.data)));
    }
    send(data) {
      mark('ws.out.' + describe(data));
      super.send(data);
    }
  };
  // The browser's own word on each connection, before the page shows it: a gap between
  // \`pc.connected\` and \`state.connected\` is the page's main thread, not the network.
  const NativeConnection = window.RTCPeerConnection;
  if (NativeConnection) {
    window.RTCPeerConnection = class extends NativeConnection {
      constructor(...args) {
        super(...args);
        this.addEventListener('iceconnectionstatechange', () => { if (this.iceConnectionState === 'connected') mark('pc.iceConnected'); });
        this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') mark('pc.connected'); });
      }
    };
  }
  document.addEventListener('DOMContentLoaded', () => mark('page.domContentLoaded'));
  const watched = new WeakSet();
  const markFrame = (time) => { if (stamps.firstFrame === undefined || time < stamps.firstFrame) stamps.firstFrame = time; settle(); };
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
      // A safety net only: requestVideoFrameCallback gives the exact time where it exists.
      else if (now() < deadline) setTimeout(poll, 'requestVideoFrameCallback' in video ? 50 : 4);
    };
    poll();
  };
  const shown = new WeakMap();
  const check = () => {
    for (const node of document.querySelectorAll('[data-testid="handshake-state"]')) {
      const state = node.textContent.trim();
      if (shown.get(node) !== state) markEach('state.' + state);
      shown.set(node, state);
      if (state === 'connected' && stamps.connected === undefined) {
        stamps.connected = now();
        settle();
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
 * and B shows A's video. It starts the moment the page's script runs; the observer (first)
 * stamps its steps and first frame exactly as on Parley's pages.
 */
export const floorPageHtml = (): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floor</title>
<script>${observerScript}</script></head>
<body><script>
(async () => {
  const stamps = window.__benchStamps;
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
      if (stamps.connected === undefined && a.connectionState === 'connected' && b.connectionState === 'connected') {
        stamps.connected = now();
        stamps.timeline['state.connected'] = stamps.connected;
        window.__benchSettle();
      }
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
    stamps.timeline['offer.created'] ??= now();
    await a.setRemoteDescription(b.localDescription);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription);
    stamps.timeline['answer.applied'] ??= now();
  } catch (error) {
    stamps.error = String(error);
    window.__benchSettle();
  }
})();
</script></body></html>
`;

/**
 * The two-page floor: one page per person, as in Parley, with nothing else in them. Each page
 * asks for the same fake camera and microphone, makes one bundled RTCPeerConnection and
 * signals through the bench's floor relay (bench/servers/floor.ts, paired by `pair`), which
 * forwards frames unparsed. `role=a` waits in the call (`window.__benchReady` once its socket
 * is open), as Parley's A waits in its room; `role=b` is opened when the clock starts and
 * offers as soon as it has its camera and socket. B shows A's video; neither shows itself.
 * What Parley takes beyond this is its own page, not the second browser page on two cores.
 */
export const pairFloorPageHtml = (relayPort: number): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>two-page floor</title></head>
<body><script>
(async () => {
  const stamps = window.__benchStamps;
  const now = () => performance.timeOrigin + performance.now();
  try {
    const params = new URLSearchParams(location.search);
    const socket = new WebSocket('ws://127.0.0.1:${relayPort}/?pair=' + encodeURIComponent(params.get('pair')));
    const opened = new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error('the relay refused the socket'));
    });
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    const connection = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    for (const track of stream.getTracks()) connection.addTrack(track, stream);
    // Parley's shape of a signal, so the observer names each step as it does on Parley's pages.
    const signal = (data) => socket.send(JSON.stringify({ type: 'signal', data }));
    connection.onicecandidate = (event) => signal({ candidate: event.candidate });
    connection.onconnectionstatechange = () => {
      if (connection.connectionState !== 'connected' || stamps.connected !== undefined) return;
      stamps.connected = now();
      stamps.timeline['state.connected'] = stamps.connected;
      window.__benchSettle();
    };
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute('data-testid', 'remote-video');
    document.body.append(video);
    connection.ontrack = (event) => { if (video.srcObject !== event.streams[0]) video.srcObject = event.streams[0]; };
    socket.onmessage = async ({ data }) => {
      const message = JSON.parse(data).data;
      if (message.description) {
        await connection.setRemoteDescription(message.description);
        if (message.description.type !== 'offer') return;
        await connection.setLocalDescription();
        signal({ description: connection.localDescription });
      } else if ('candidate' in message) {
        await connection.addIceCandidate(message.candidate ?? null).catch(() => {});
      }
    };
    await opened;
    if (params.get('role') === 'a') {
      window.__benchReady = true;
      return;
    }
    await connection.setLocalDescription();
    signal({ description: connection.localDescription });
  } catch (error) {
    stamps.error = String(error);
    window.__benchSettle();
  }
})();
</script></body></html>
`;
