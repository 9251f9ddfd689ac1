import { describe, expect, it } from 'vitest';
import { DeviceChoice } from '../../web/lib/device-choice.svelte.ts';
import { RememberedDevices } from '../../web/lib/remembered-devices.ts';

/** A `localStorage` of its own for each test. */
function storage() {
  const items = new Map<string, string>();
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
}

const device = (kind: MediaDeviceKind, deviceId: string) => ({ kind, deviceId, label: deviceId, groupId: '' }) as MediaDeviceInfo;

/** The browser's devices as listed now, and a way to open them (`broken` refuses). */
function browser(listed: MediaDeviceInfo[]) {
  return {
    mediaDevices: { enumerateDevices: async () => listed, addEventListener() {}, removeEventListener() {} },
    open: async (kind: string, deviceId: string | undefined, originalSound: boolean) => {
      if (deviceId === 'broken') throw new Error('in use');
      return { kind: kind === 'videoinput' ? 'video' : 'audio', originalSound, getSettings: () => ({ deviceId }) } as unknown as MediaStreamTrack;
    },
    canChooseSpeaker: true,
  };
}

const listed = [device('audioinput', 'desk-mic'), device('audioinput', 'broken'), device('audiooutput', 'default'), device('audiooutput', 'headset')];

describe('device choice', () => {
  describe('happy path', () => {
    it('remembers the microphone and speaker picked, and starts the next call with that speaker', async () => {
      const kept = storage();
      const used: MediaStreamTrack[] = [];
      const choice = new DeviceChoice((track) => used.push(track), () => null, { ...browser(listed), remembered: new RememberedDevices(kept) });
      await choice.pick('audioinput', 'desk-mic');
      choice.speakerId = 'headset';
      expect(used).toHaveLength(1);

      const remembered = new RememberedDevices(kept);
      expect(remembered.get('audioinput')).toBe('desk-mic');
      const next = new DeviceChoice(() => {}, () => null, { ...browser(listed), remembered });
      await next.refresh();
      expect(next.speakerId).toBe('headset');
    });
    it('opens the microphone again for its original sound, and remembers the choice', async () => {
      const kept = storage();
      const used: MediaStreamTrack[] = [];
      const stream = { getTracks: () => used.slice(-1) } as unknown as MediaStream;
      const choice = new DeviceChoice((track) => used.push(track), () => stream, { ...browser(listed), remembered: new RememberedDevices(kept) });
      await choice.pick('audioinput', 'desk-mic');
      await choice.refresh();
      choice.originalSound = true;
      await expect.poll(() => used.length).toBe(2);
      expect(used.map((track) => [track.getSettings().deviceId, (track as unknown as { originalSound: boolean }).originalSound])).toEqual([
        ['desk-mic', false],
        ['desk-mic', true],
      ]);
      expect(new DeviceChoice(() => {}, () => null, { ...browser(listed), remembered: new RememberedDevices(kept) }).originalSound).toBe(true);
    });
  });

  describe('edge cases', () => {
    it('plays on the default speaker while the remembered one is not plugged in', async () => {
      const remembered = new RememberedDevices(storage());
      remembered.set('audiooutput', 'headset');
      const choice = new DeviceChoice(() => {}, () => null, { ...browser(listed.filter((one) => one.deviceId !== 'headset')), remembered });
      await choice.refresh();
      expect(choice.speakerId).toBe('');
      // The pick is kept for when it is back.
      expect(remembered.get('audiooutput')).toBe('headset');
    });

    it('does not remember a device that could not be used', async () => {
      const remembered = new RememberedDevices(storage());
      const choice = new DeviceChoice(() => {}, () => null, { ...browser(listed), remembered });
      await choice.pick('audioinput', 'broken');
      expect(choice.notice).toBe('That microphone could not be used. Is another app using it?');
      expect(remembered.get('audioinput')).toBeUndefined();
    });
  });
});
