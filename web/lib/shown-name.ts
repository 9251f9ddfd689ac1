/**
 * The name to show for a person: theirs, or "Guest" if they gave none. One word for them
 * everywhere the page names them: tiles, chat, stats, verification.
 */
export function shownName(name: string | null | undefined): string {
  return name ?? 'Guest';
}
