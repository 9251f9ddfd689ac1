/** What `IncomingVideo` needs to know of a person in the call. */
interface Sender {
  id: string;
  /** Their camera and microphone, as received. */
  stream: MediaStream | null;
}

/** A transceiver's direction with receiving taken out, or put back. */
const withoutReceiving: Partial<Record<RTCRtpTransceiverDirection, RTCRtpTransceiverDirection>> = { sendrecv: 'sendonly', recvonly: 'inactive' };
const withReceiving: Partial<Record<RTCRtpTransceiverDirection, RTCRtpTransceiverDirection>> = { sendonly: 'sendrecv', inactive: 'recvonly' };

/**
 * "Stop incoming video", as in Zoom: to save data on a poor or metered connection, the
 * others' cameras stop coming to you, and their pictures give way to their initials. Their
 * sound and a shared screen still come. Nothing is hidden on the side: each camera's
 * transceiver stops receiving (`direction`), the peer machine negotiates it as for any other
 * change, and the sender's browser stops sending that picture to you. Switching it off asks
 * for the pictures again the same way.
 */
export class IncomingVideo {
  /** Whether incoming video is stopped. */
  stopped = $state(false);
  readonly #pcOf: (peerId: string) => RTCPeerConnection | undefined;
  /** The transceivers told to stop receiving, by peer. */
  readonly #paused = new Map<string, Set<RTCRtpTransceiver>>();

  constructor(pcOf: (peerId: string) => RTCPeerConnection | undefined) {
    this.#pcOf = pcOf;
  }

  /** Brings the people now in the call in line with `stopped`: their cameras paused, or back. Forgets who left. */
  apply(senders: readonly Sender[]): void {
    for (const sender of senders) {
      if (this.stopped) this.#pause(sender);
      else this.#resume(sender.id);
    }
    for (const peerId of this.#paused.keys()) if (!senders.some((sender) => sender.id === peerId)) this.#paused.delete(peerId);
  }

  /** Stops receiving the camera `sender`'s connection carries to us (a screen's transceiver is not theirs). */
  #pause(sender: Sender): void {
    const cameras = sender.stream?.getVideoTracks() ?? [];
    const pc = this.#pcOf(sender.id);
    if (cameras.length === 0 || pc === undefined) return;
    for (const transceiver of pc.getTransceivers()) {
      const direction = withoutReceiving[transceiver.direction];
      if (direction === undefined || !cameras.includes(transceiver.receiver.track)) continue;
      this.#turn(transceiver, direction);
      const paused = this.#paused.get(sender.id) ?? new Set();
      this.#paused.set(sender.id, paused.add(transceiver));
    }
  }

  #resume(peerId: string): void {
    for (const transceiver of this.#paused.get(peerId) ?? []) {
      const direction = withReceiving[transceiver.direction];
      if (direction !== undefined) this.#turn(transceiver, direction);
    }
    this.#paused.delete(peerId);
  }

  /** Sets a direction; a connection closed meanwhile (replaced by a new one) refuses, and the next `apply` sees the new one. */
  #turn(transceiver: RTCRtpTransceiver, direction: RTCRtpTransceiverDirection): void {
    try {
      transceiver.direction = direction;
    } catch {
      // InvalidStateError: the transceiver was stopped with its connection.
    }
  }
}
