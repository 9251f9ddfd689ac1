/**
 * What a remote peer sends, told apart: its camera and microphone, and its shared screen. Both
 * pictures are video tracks; only the stream they belong to (the msid in the SDP, named by the
 * peer's `screen` message on the data channel) says which is which.
 */

/** The remote peer's camera/microphone stream and its screen, as the page shows them. */
export interface RemoteMedia {
  /** Camera and microphone: the first stream that is not the screen; `null` until one came. */
  remoteStream: MediaStream | null;
  /** The shared screen while it has a track; `null` when they share nothing. */
  remoteScreen: MediaStream | null;
}

/**
 * Splits the remote streams (by stream id, in arrival order) into camera and screen. A screen
 * track that arrives before the message naming it is briefly taken for a camera only when no
 * camera came before it, and moves to the screen once the message arrives.
 */
export function splitRemoteMedia(streams: Readonly<Record<string, MediaStream>>, screenId: string | null): RemoteMedia {
  let remoteStream: MediaStream | null = null;
  let remoteScreen: MediaStream | null = null;
  for (const [id, stream] of Object.entries(streams)) {
    if (id === screenId) remoteScreen = stream.getTracks().length > 0 ? stream : null;
    else remoteStream ??= stream;
  }
  return { remoteStream, remoteScreen };
}
