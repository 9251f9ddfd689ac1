/**
 * The signal payloads relayed in the benchmark, shaped like what a browser really sends: an
 * ICE candidate (RTCIceCandidateInit) of about 400 bytes and a session description of about
 * 5 KB (an offer with audio, video and a data channel). Sizes are of `data` as JSON.
 */

/** One payload series of the relay benchmark. */
export interface SignalPayload {
  name: 'candidate' | 'sdp';
  /** The `data` of a Parley signal: `{candidate}` or `{description}`. */
  data: Record<string, unknown>;
  /** Bytes of `data` as JSON; every relayed frame is at least this long. */
  bytes: number;
}

/** Target size of the candidate payload, in bytes of JSON. */
const candidateBytes = 400;
/** Target size of the SDP payload: a typical Chrome offer with several codecs. */
const sdpBytes = 5 * 1024;

function candidatePayload(): SignalPayload {
  const base =
    'candidate:3442447574 1 udp 2122262783 2001:db8:85a3:8d3:1319:8a2e:370:7348 53421 typ host ' +
    'generation 0 ufrag Xk9p network-id 2 network-cost 10';
  const make = (padding: number): Record<string, unknown> => ({
    candidate: {
      candidate: `${base}${padding > 0 ? ` x-pad ${'0'.repeat(padding)}` : ''}`,
      sdpMid: '0',
      sdpMLineIndex: 0,
      usernameFragment: 'Xk9p',
    },
  });
  const unpadded = JSON.stringify(make(0)).length;
  const data = make(Math.max(0, candidateBytes - unpadded - ' x-pad '.length));
  return { name: 'candidate', data, bytes: JSON.stringify(data).length };
}

function sdpPayload(): SignalPayload {
  const head = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1 2',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS 6f1c2b5e-8d2a-4f7e-9a41-3c0e5b7d9f12',
  ];
  const codecLines = (payloadType: number): string[] => [
    `a=rtpmap:${payloadType} VP8/90000`,
    `a=rtcp-fb:${payloadType} goog-remb`,
    `a=rtcp-fb:${payloadType} transport-cc`,
    `a=rtcp-fb:${payloadType} ccm fir`,
    `a=rtcp-fb:${payloadType} nack`,
    `a=rtcp-fb:${payloadType} nack pli`,
  ];
  const lines = [...head];
  for (let payloadType = 96; JSON.stringify(lines.join('\r\n')).length < sdpBytes - 300; payloadType++) {
    lines.push(...codecLines(payloadType));
  }
  const make = (sdp: string): Record<string, unknown> => ({ description: { type: 'offer', sdp } });
  let sdp = `${lines.join('\r\n')}\r\n`;
  const missing = sdpBytes - JSON.stringify(make(sdp)).length;
  if (missing > 10) sdp += `a=x-pad:${'0'.repeat(missing - 14)}\r\n`;
  const data = make(sdp);
  return { name: 'sdp', data, bytes: JSON.stringify(data).length };
}

/** Both payload series, candidate first. */
export function signalPayloads(): SignalPayload[] {
  return [candidatePayload(), sdpPayload()];
}
