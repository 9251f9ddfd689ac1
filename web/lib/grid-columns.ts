/**
 * How many columns the call's grid uses for `tiles` pictures (the remote people and your
 * own): every tile as large as the screen allows. A wide screen puts them side by side
 * (2 → 2 columns, 5–6 → 3, 7–9 → 3 or 4); a tall phone screen stacks two, then uses two columns.
 */
export function gridColumns(tiles: number, wide: boolean): number {
  if (tiles <= 1) return 1;
  if (!wide) return tiles <= 2 ? 1 : 2;
  if (tiles <= 4) return 2;
  if (tiles <= 6) return 3;
  return tiles <= 9 ? 3 : 4;
}

