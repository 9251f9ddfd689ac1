/**
 * Which external state inspector the page feeds: `local`, the receiver served beside the
 * page (web/inspector.html, works offline), or `stately`, Stately's hosted inspector (needs
 * internet, and sees everything the machines hold, SDPs included: an explicit opt-in).
 */
export type InspectMode = 'local' | 'stately';

/**
 * The mode the page's address asks for: `?inspect` or `?inspect=local` → `local`,
 * `?inspect=stately` → `stately`, no `inspect` parameter → `null` (no external inspector).
 */
export function inspectModeOf(search: string): InspectMode | null {
  const params = new URLSearchParams(search);
  if (!params.has('inspect')) return null;
  return params.get('inspect') === 'stately' ? 'stately' : 'local';
}
