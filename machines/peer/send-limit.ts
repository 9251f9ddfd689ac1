/**
 * How much video one sender may send as a mesh call grows. In a mesh every person uploads one
 * copy of their camera per remote peer, so the uplink and the encoder's CPU grow with the room;
 * each copy is made smaller as the call grows (`RTCRtpSender.setParameters`), keeping a call of
 * eight within a home uplink (7 × 300 kbit/s ≈ 2.1 Mbit/s) and a laptop's encoder.
 */

/** One video sender's encoding limits, as in `RTCRtpEncodingParameters`. */
export interface SendLimit {
  /** Bits per second. */
  maxBitrate: number;
  /** 1 sends the camera's size; 2 halves width and height. */
  scaleResolutionDownBy: number;
}

/**
 * Limits by number of remote peers, largest first: one peer gets a full one-to-one picture
 * (2.5 Mbit/s is what browsers pick for 720p on their own), and every step down roughly
 * halves what each copy costs as the copies multiply.
 */
const steps: ReadonlyArray<{ upTo: number; limit: SendLimit }> = [
  { upTo: 1, limit: { maxBitrate: 2_500_000, scaleResolutionDownBy: 1 } },
  { upTo: 2, limit: { maxBitrate: 1_200_000, scaleResolutionDownBy: 1 } },
  { upTo: 3, limit: { maxBitrate: 800_000, scaleResolutionDownBy: 1.5 } },
  { upTo: 5, limit: { maxBitrate: 500_000, scaleResolutionDownBy: 2 } },
];

/**
 * A one-to-one call's limit: no tighter than what the browser picks on its own for a camera
 * (2.5 Mbit/s at 720p), so a sender never limited before needs nothing set for it, and the
 * page skips asking the browser for its parameters.
 */
export const fullPicture: SendLimit = steps[0]!.limit;

/** Beyond the steps: six or seven copies of one camera. */
const smallest: SendLimit = { maxBitrate: 300_000, scaleResolutionDownBy: 3 };

/** The limit for each video sender of a call with `remotePeers` other people. */
export function sendLimitFor(remotePeers: number): SendLimit {
  return steps.find((step) => remotePeers <= step.upTo)?.limit ?? smallest;
}
