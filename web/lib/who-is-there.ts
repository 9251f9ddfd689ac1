/** Who is in a room, as its check answered: how many, and the names of those who gave one, oldest first. */
export interface Present {
  peers: number;
  names: readonly string[];
}

/**
 * Who is in the call, in words, for the pre-join screen: "Ana and Bo are in this call", the
 * first two and how many others when more than three are there, only how many when nobody gave a name.
 */
export function whoIsThere({ peers, names }: Present): string {
  if (peers <= 0) return 'Nobody else is here yet';
  const listed = names.slice(0, peers > 3 ? 2 : 3);
  if (listed.length === 0) return peers === 1 ? '1 person is in this call' : `${peers} people are in this call`;
  const others = peers - listed.length;
  const parts = others > 0 ? [...listed, others === 1 ? '1 other' : `${others} others`] : listed;
  const said = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `${said} ${peers === 1 ? 'is' : 'are'} in this call`;
}

/**
 * How many people already in a call make a newcomer join muted, as in Meet (more than five in
 * the call): with that many talking, an open microphone coming in is noise for all of them.
 */
export const joinMutedFrom = 5;
