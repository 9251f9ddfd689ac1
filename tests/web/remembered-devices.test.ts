import { describe, expect, it } from 'vitest';
import { constraintsFor, microphoneConstraints, openPickedMedia, RememberedDevices } from '../../web/lib/remembered-devices.ts';

/** A `localStorage` of its own for each test. */
function storage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
}

describe('remembered devices', () => {
  describe('happy path', () => {
    it('remembers each kind of device picked, for the next visit', () => {
      const kept = storage();
      const now = new RememberedDevices(kept);
      now.set('audioinput', 'headset-mic');
      now.set('audiooutput', 'headset');
      now.set('videoinput', 'usb-camera');
      now.set('audioinput', 'desk-mic');

      const later = new RememberedDevices(kept);
      expect([later.get('videoinput'), later.get('audioinput'), later.get('audiooutput')]).toEqual(['usb-camera', 'desk-mic', 'headset']);
    });

    it('asks getUserMedia for the devices picked last time', () => {
      const remembered = new RememberedDevices(storage());
      expect(constraintsFor({ audio: true, video: true }, remembered)).toEqual({ audio: true, video: true });

      remembered.set('videoinput', 'usb-camera');
      remembered.set('audioinput', 'desk-mic');
      expect(constraintsFor({ audio: true, video: true }, remembered)).toEqual({ audio: { deviceId: { exact: 'desk-mic' } }, video: { deviceId: { exact: 'usb-camera' } } });
      // What is not asked for stays unasked.
      expect(constraintsFor({ audio: true, video: false }, remembered)).toEqual({ audio: { deviceId: { exact: 'desk-mic' } }, video: false });
    });
    it('asks for the microphone\'s original sound once it was chosen, with or without a device picked', () => {
      const kept = storage();
      const remembered = new RememberedDevices(kept);
      remembered.originalSound = true;
      const unprocessed = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
      expect(new RememberedDevices(kept).originalSound).toBe(true);
      expect(constraintsFor({ audio: true, video: true }, remembered)).toEqual({ audio: unprocessed, video: true });
      remembered.set('audioinput', 'desk-mic');
      expect(constraintsFor({ audio: true, video: false }, remembered)).toEqual({ audio: { deviceId: { exact: 'desk-mic' }, ...unprocessed }, video: false });
      expect(microphoneConstraints(undefined, false)).toBe(true);
      expect(microphoneConstraints('desk-mic', false)).toEqual({ deviceId: { exact: 'desk-mic' } });
    });
  });

  describe('edge cases', () => {
    it('opens the defaults where a device picked last time is gone or busy, and asks once where none was picked', async () => {
      const asked: MediaStreamConstraints[] = [];
      const stream = {} as MediaStream;
      const browser = (refusal?: string) => ({
        getUserMedia: async (constraints: MediaStreamConstraints = {}) => {
          asked.push(constraints);
          if (refusal !== undefined && typeof constraints.audio === 'object') throw new DOMException('no', refusal);
          return stream;
        },
      });
      const remembered = new RememberedDevices(storage());
      expect(await openPickedMedia({ audio: true, video: true }, browser('OverconstrainedError'), remembered)).toBe(stream);
      expect(asked).toEqual([{ audio: true, video: true }]);

      remembered.set('audioinput', 'unplugged-headset');
      asked.length = 0;
      expect(await openPickedMedia({ audio: true, video: true }, browser('OverconstrainedError'), remembered)).toBe(stream);
      expect(asked).toEqual([{ audio: { deviceId: { exact: 'unplugged-headset' } }, video: true }, { audio: true, video: true }]);

      // Told no: not asked again.
      asked.length = 0;
      await expect(openPickedMedia({ audio: true, video: false }, browser('NotAllowedError'), remembered)).rejects.toThrow('no');
      expect(asked).toHaveLength(1);
    });

    it('goes back to the default when the default is picked again', () => {
      const remembered = new RememberedDevices(storage());
      remembered.set('audiooutput', 'headset');
      remembered.set('audiooutput', '');
      expect(remembered.get('audiooutput')).toBeUndefined();
    });

    it('reads anything else in storage as nothing remembered', () => {
      for (const stored of ['not json', 'null', '3', '{"audioinput":7}', '[]']) {
        expect(new RememberedDevices(storage({ 'parley.devices': stored })).get('audioinput'), stored).toBeUndefined();
      }
    });

    it('still works where storage refuses, remembering nothing', () => {
      const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
      const remembered = new RememberedDevices(refusing);
      remembered.set('audioinput', 'desk-mic');
      expect(remembered.get('audioinput')).toBeUndefined();
      expect(new RememberedDevices(undefined).get('videoinput')).toBeUndefined();
    });
  });
});
