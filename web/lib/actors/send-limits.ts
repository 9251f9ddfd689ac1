import type { SendLimit } from '../../../machines/peer/send-limit.ts';

/**
 * Limits every video sender to `limit`. A sender has no encodings before its first
 * negotiation, so this is applied again after every description; a sender already given
 * this limit (`given`) is skipped without asking for its parameters, a call that waits on
 * the browser's WebRTC thread.
 */
export async function limitSenders(pc: RTCPeerConnection, limit: SendLimit | null, given: WeakMap<RTCRtpSender, SendLimit>): Promise<void> {
  if (limit === null) return;
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind !== 'video') continue;
    const before = given.get(sender);
    if (before?.maxBitrate === limit.maxBitrate && before.scaleResolutionDownBy === limit.scaleResolutionDownBy) continue;
    const parameters = sender.getParameters();
    const encodings = parameters.encodings ?? [];
    if (encodings.length === 0) continue;
    if (!encodings.every((encoding) => encoding.maxBitrate === limit.maxBitrate && encoding.scaleResolutionDownBy === limit.scaleResolutionDownBy)) {
      for (const encoding of encodings) {
        encoding.maxBitrate = limit.maxBitrate;
        encoding.scaleResolutionDownBy = limit.scaleResolutionDownBy;
      }
      await sender.setParameters(parameters);
    }
    given.set(sender, limit);
  }
}
