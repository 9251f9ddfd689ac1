/**
 * Numbers fixed by signaling protocol v1 (docs/protocol.md). Servers may be configured
 * differently where the protocol says "default"; the rest are part of the contract.
 */
export const limits = {
  /** The protocol version announced in `welcome`; bumped only for breaking changes. */
  protocol: 1,
  /** Default largest text frame, in bytes: an SDP with many codecs stays near 10 KiB. */
  maxPayload: 64 * 1024,
  /** Deepest nesting allowed in a signal's `data`; real SDP/candidate payloads use 2–3. */
  maxDataDepth: 32,
  /** Peers in a room when `create` names no capacity: a one-to-one call. */
  defaultCapacity: 2,
  /** Default largest room a client may ask for; a full mesh beyond 8 overwhelms uplinks. */
  maxCapacity: 8,
  /** Longest `type` echoed back as an error's `ref`, so a huge bogus type is never reflected. */
  maxRefLength: 64,
} as const;

/** WebSocket close codes the server uses, named by why it closes. */
export const closeCodes = {
  normal: 1000,
  unsupportedData: 1003,
  policyViolation: 1008,
  messageTooBig: 1009,
  serviceRestart: 1012,
  /** Private-use code: a resumed connection took this socket's seat. */
  replaced: 4000,
  /** Private-use code: the client did not read what it was sent; its seat is held as for a lost connection. */
  slowReader: 4001,
} as const;
