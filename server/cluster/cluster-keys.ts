/**
 * Every Redis key and channel of cluster mode (docs/scaling.md says what each holds and when
 * it expires). The room id sits in a hash tag, so a room's keys share one Redis Cluster slot.
 */
export const clusterKeys = {
  /** The instance that owns the room's state machine now; expires with its lease. */
  owner: (roomId: string): string => `parley:room:{${roomId}}:owner`,
  /** JSON `{capacity, peers}`: the room's seats, so another instance can take it over. */
  seats: (roomId: string): string => `parley:room:{${roomId}}:seats`,
  /** Pub/sub channel of one instance: frames for its sockets, messages for its rooms. */
  instance: (instanceId: string): string => `parley:instance:${instanceId}`,
};
