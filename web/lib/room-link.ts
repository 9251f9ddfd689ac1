/**
 * Where a room lives in the page's address space: `/r/<roomId>`. The server answers every
 * such path with the page (SPA fallback), so a shared link opens the call directly.
 */
export const roomPathPrefix = '/r/';

/** The full shareable link of a room, e.g. `https://parley.example/r/1b4e…`. */
export function roomLink(origin: string, roomId: string): string {
  return `${origin}${roomPathPrefix}${encodeURIComponent(roomId)}`;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const roomInPath = /\/r\/([^/?#\s]+)/;

/**
 * The room id in what a person typed or pasted: a bare id, a full link, or a link without
 * its scheme. Returns `null` for blank input. Anything else is passed on unchanged so the
 * server decides (an id of no room is answered with `room-not-found`, said in words).
 */
export function roomIdFrom(input: string): string | null {
  const text = input.trim();
  if (text === '') return null;
  const match = roomInPath.exec(text);
  const id = match ? safeDecode(match[1]!) : text;
  // Ids are lowercase UUIDs; a link retyped in capitals still names the same room.
  return uuid.test(id) ? id.toLowerCase() : id;
}

/** The room id a page address points at (`/r/<id>`), or `null` for the lobby. */
export function roomIdFromPath(pathname: string): string | null {
  if (!pathname.startsWith(roomPathPrefix) || pathname.length === roomPathPrefix.length) return null;
  return roomIdFrom(pathname);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
