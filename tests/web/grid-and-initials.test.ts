import { describe, expect, it } from 'vitest';
import { gridColumns } from '../../web/lib/grid-columns.ts';
import { initialsOf } from '../../web/lib/initials.ts';

describe('the call grid and tile initials', () => {
  it('fits every call of 1 to 9 tiles into a near-square grid on a wide screen', () => {
    const layout = Array.from({ length: 9 }, (_, index) => gridColumns(index + 1, true));
    expect(layout).toEqual([1, 2, 2, 2, 3, 3, 3, 3, 3]);
    for (const [index, columns] of layout.entries()) expect(Math.ceil((index + 1) / columns)).toBeLessThanOrEqual(3);
  });

  it('stacks two on a phone and uses two columns beyond', () => {
    expect(Array.from({ length: 9 }, (_, index) => gridColumns(index + 1, false))).toEqual([1, 1, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('shows first and last initials, whole characters, or ? without a name', () => {
    expect(initialsOf('Ana María López')).toBe('AL');
    expect(initialsOf('  bo ')).toBe('B');
    expect(initialsOf('élodie durand')).toBe('ÉD');
    expect(initialsOf('🙂 Sam')).toBe('🙂S');
    expect(initialsOf(null)).toBe('?');
    expect(initialsOf('   ')).toBe('?');
  });
});
