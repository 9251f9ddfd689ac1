import { describe, expect, it } from 'vitest';
import { whoIsThere } from '../../web/lib/who-is-there.ts';

describe('who is in the call, in words', () => {
  describe('happy path', () => {
    it('names everyone up to three', () => {
      expect(whoIsThere({ peers: 1, names: ['Ana'] })).toBe('Ana is in this call');
      expect(whoIsThere({ peers: 2, names: ['Ana', 'Bo'] })).toBe('Ana and Bo are in this call');
      expect(whoIsThere({ peers: 3, names: ['Ana', 'Bo', 'Cy'] })).toBe('Ana, Bo and Cy are in this call');
    });

    it('names the first two of more than three, and counts the rest', () => {
      expect(whoIsThere({ peers: 5, names: ['Ana', 'Bo', 'Cy', 'Di', 'Ed'] })).toBe('Ana, Bo and 3 others are in this call');
    });
  });

  describe('edge cases', () => {
    it('counts those who gave no name', () => {
      expect(whoIsThere({ peers: 2, names: ['Ana'] })).toBe('Ana and 1 other are in this call');
      expect(whoIsThere({ peers: 3, names: ['Ana'] })).toBe('Ana and 2 others are in this call');
      expect(whoIsThere({ peers: 1, names: [] })).toBe('1 person is in this call');
      expect(whoIsThere({ peers: 4, names: [] })).toBe('4 people are in this call');
    });

    it('says nobody is there in a room whose people all dropped out', () => {
      expect(whoIsThere({ peers: 0, names: [] })).toBe('Nobody else is here yet');
    });
  });
});
