import { fullPicture, type SendLimit } from '../../../machines/peer/send-limit.ts';

/** Whether two limits are the same. */
const sameLimit = (a: SendLimit | undefined, b: SendLimit) => a?.maxBitrate === b.maxBitrate && a.scaleResolutionDownBy === b.scaleResolutionDownBy;

/**
 * Limits every video sender to `limit`. A sender has no encodings before its first
 * negotiation, so this is applied again after every description. Asking a sender for its
 * parameters waits on the browser's WebRTC thread, so it is not asked when it already has
 * this limit (`given`), nor in a one-to-one call when it was never limited: it already sends
 * the full picture.
 */
export async function limitSenders(pc: RTCPeerConnection, limit: SendLimit | null, given: WeakMap<RTCRtpSender, SendLimit>): Promise<void> {
  if (limit === null) return;
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind !== 'video') continue;
    const before = given.get(sender);
    if (sameLimit(before, limit) || (before === undefined && sameLimit(fullPicture, limit))) continue;
    const parameters = sender.getParameters();
    const encodings = parameters.encodings ?? [];
    if (encodings.length === 0) continue;
    if (!encodings.every((encoding) => sameLimit(encoding as SendLimit, limit))) {
      for (const encoding of encodings) {
        encoding.maxBitrate = limit.maxBitrate;
        encoding.scaleResolutionDownBy = limit.scaleResolutionDownBy;
      }
      await sender.setParameters(parameters);
    }
    given.set(sender, limit);
  }
}
