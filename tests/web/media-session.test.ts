import { afterEach, describe, expect, it, vi } from 'vitest';
import { offerSessionActions, showSessionSwitches } from '../../web/lib/media-session.ts';

afterEach(() => vi.unstubAllGlobals());

/** A browser's Media Session that knows `known` actions, recording what the page offered and showed. */
function stubSession(known: string[]) {
  const handlers = new Map<string, (() => void) | null>();
  const shown: string[] = [];
  vi.stubGlobal('navigator', {
    mediaSession: {
      setActionHandler: (action: string, handler: (() => void) | null) => {
        if (!known.includes(action)) throw new TypeError(`The provided value '${action}' is not a valid enum value`);
        handlers.set(action, handler);
      },
      setMicrophoneActive: (on: boolean) => void shown.push(`mic ${on}`),
      setCameraActive: (on: boolean) => Promise.reject(new Error(`camera ${on} refused`)),
    },
  });
  return { handlers, shown };
}

describe('the call switches offered to the browser', () => {
  describe('happy path', () => {
    it('lets the browser press each offered switch, until the offers are withdrawn', () => {
      const { handlers } = stubSession(['togglemicrophone', 'togglecamera', 'hangup']);
      const pressed: string[] = [];
      const withdraw = offerSessionActions({ togglemicrophone: () => pressed.push('mic'), hangup: () => pressed.push('hang up') });
      handlers.get('togglemicrophone')!();
      handlers.get('hangup')!();
      expect(pressed).toEqual(['mic', 'hang up']);
      expect(handlers.has('togglecamera'), 'nothing offered that was not asked for').toBe(false);
      withdraw();
      expect([...handlers.values()]).toEqual([null, null]);
    });

    it('tells the browser whether the microphone is on, and shrugs off a camera state it refuses', () => {
      const { shown } = stubSession([]);
      expect(() => showSessionSwitches(false, true)).not.toThrow();
      expect(shown).toEqual(['mic false']);
    });
  });

  describe('edge cases', () => {
    it('offers only the actions the browser knows, and withdraws only those', () => {
      const { handlers } = stubSession(['hangup']);
      const withdraw = offerSessionActions({ togglemicrophone: () => {}, hangup: () => {} });
      expect([...handlers.keys()]).toEqual(['hangup']);
      expect(() => withdraw()).not.toThrow();
      expect(handlers.get('hangup')).toBeNull();
    });

    it('does nothing where there is no Media Session', () => {
      vi.stubGlobal('navigator', {});
      expect(() => offerSessionActions({ hangup: () => {} })()).not.toThrow();
      expect(() => showSessionSwitches(true, true)).not.toThrow();
    });
  });
});
