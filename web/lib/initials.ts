/**
 * What a tile shows instead of a black picture when someone's camera is off: the first
 * letters of their first and last names ("Ana María López" → "AL"), or "?" without a name.
 * Letters are whole characters, so a name starting with an emoji or an accent keeps it.
 */
export function initialsOf(name: string | null): string {
  const words = (name ?? '').trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0]!;
  const last = words.length > 1 ? [...words.at(-1)!][0]! : '';
  return (first + last).toLocaleUpperCase();
}
