import { describe, expect, it } from 'vitest';
import type { Background } from '../../web/lib/backgrounds.ts';
import { backgroundIfChosen, backgroundOf, cameraOf, madeFrom, type BackgroundEffect } from '../../web/lib/camera-backgrounds.ts';
import { DeviceChoice } from '../../web/lib/device-choice.svelte.ts';
import { RememberedDevices } from '../../web/lib/remembered-devices.ts';

/** A `localStorage` of its own for each test. */
function storage() {
  const items = new Map<string, string>();
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
}

interface FakeTrack extends Omit<MediaStreamTrack, 'readyState'> {
  copyOf?: FakeTrack;
  readyState: MediaStreamTrackState;
}

/** A camera's track from device `deviceId`; its copies come from the same device. */
function camera(deviceId: string, copyOf?: FakeTrack): FakeTrack {
  const track = {
    kind: 'video',
    copyOf,
    readyState: 'live',
    getSettings: () => ({ deviceId }),
    clone: () => camera(deviceId, track),
    stop: () => void (track.readyState = 'ended'),
  } as unknown as FakeTrack;
  return track;
}

/** An effect that works (a track made from the camera, noted with its background), or one that fails. */
async function change(source: MediaStreamTrack, background: BackgroundEffect): Promise<MediaStreamTrack> {
  const changed = { kind: 'video', readyState: 'live', getSettings: () => ({}), stop() {} } as unknown as MediaStreamTrack;
  madeFrom(changed, source, background);
  return changed;
}
const failing = () => Promise.reject(new Error('no WebAssembly'));

/** The background the track shows. */
const shown = (track: FakeTrack): Background => backgroundOf(track as unknown as MediaStreamTrack);

const listed = [{ kind: 'videoinput', deviceId: 'front', label: 'Front', groupId: '' }, { kind: 'videoinput', deviceId: 'back', label: 'Back', groupId: '' }] as MediaDeviceInfo[];

/** A call sending `first`, whose device choice swaps in what it is given, as the call does. */
function call(first: FakeTrack, options: { change?: typeof change | null; kept?: ReturnType<typeof storage> } = {}) {
  const sent: FakeTrack[] = [first];
  const stream = { getTracks: () => sent.slice(-1) } as unknown as MediaStream;
  const choice = new DeviceChoice((track) => sent.push(track as unknown as FakeTrack), () => stream, {
    mediaDevices: { enumerateDevices: async () => listed, addEventListener() {}, removeEventListener() {} },
    open: async (_kind, deviceId) => camera(deviceId ?? 'front') as unknown as MediaStreamTrack,
    remembered: new RememberedDevices(options.kept ?? storage()),
    changeBackground: options.change === undefined ? change : options.change,
  });
  return { choice, sent, now: () => sent.at(-1)! };
}

describe('changing the background', () => {
  describe('happy path', () => {
    it('sends a blurred copy of the camera, then one with a picture, then the camera as it is, and remembers the choice', async () => {
      const kept = storage();
      const front = camera('front');
      const { choice, sent, now } = call(front, { kept });
      await choice.refresh();
      choice.background = 'blur';
      await expect.poll(() => sent.length).toBe(2);
      expect(shown(now())).toBe('blur');
      // From a copy: the call stops the track it sent before, and the camera goes on.
      expect((cameraOf(now() as unknown as MediaStreamTrack) as unknown as FakeTrack).copyOf).toBe(front);
      expect(choice.current('videoinput')).toBe('front');

      choice.background = 'dusk';
      await expect.poll(() => sent.length).toBe(3);
      expect(shown(now())).toBe('dusk');
      expect(new RememberedDevices(kept).background).toBe('dusk');

      choice.background = 'none';
      await expect.poll(() => sent.length).toBe(4);
      expect(shown(now())).toBe('none');
      expect(now().getSettings().deviceId).toBe('front');
      expect(new RememberedDevices(kept).background).toBe('none');
    });

    it('gives every camera picked meanwhile the background, and the next call\'s camera once the call follows the devices', async () => {
      const kept = storage();
      const { choice, now } = call(camera('front'), { kept });
      await choice.refresh();
      choice.background = 'shelves';
      await expect.poll(() => shown(now())).toBe('shelves');
      await choice.switchCamera();
      expect([shown(now()), choice.current('videoinput')]).toEqual(['shelves', 'back']);

      const next = call(camera('front'), { kept });
      expect(next.choice.background).toBe('shelves');
      next.choice.follow()();
      await expect.poll(() => shown(next.now())).toBe('shelves');
    });
  });

  describe('edge cases', () => {
    it('opens a camera with the background chosen, and as it is otherwise or where the effect fails', async () => {
      const front = camera('front');
      const voice = { kind: 'audio' } as unknown as MediaStreamTrack;
      const streamOf = (...tracks: unknown[]) => {
        const held = [...tracks] as MediaStreamTrack[];
        return {
          getVideoTracks: () => held.filter((track) => track.kind === 'video'),
          getTracks: () => held,
          removeTrack: (track: MediaStreamTrack) => held.splice(held.indexOf(track), 1),
          addTrack: (track: MediaStreamTrack) => held.push(track),
        } as unknown as MediaStream;
      };
      const chosen = await backgroundIfChosen(streamOf(voice, front), 'studio', change);
      expect(chosen.getTracks().map((track) => [track.kind, backgroundOf(track)])).toEqual([['audio', 'none'], ['video', 'studio']]);
      expect(cameraOf(chosen.getVideoTracks()[0]!)).toBe(front);

      expect((await backgroundIfChosen(streamOf(voice, front), 'none', change)).getVideoTracks()[0]).toBe(front);
      expect((await backgroundIfChosen(streamOf(voice, front), 'blur', failing)).getVideoTracks()[0]).toBe(front);
      expect((await backgroundIfChosen(streamOf(voice), 'blur', change)).getTracks()).toEqual([voice]);
    });

    it('reads a blur remembered before pictures were offered, and nothing it does not know', () => {
      const kept = storage();
      kept.setItem('parley.devices', JSON.stringify({ backgroundBlur: true, videoinput: 'back' }));
      const remembered = new RememberedDevices(kept);
      expect(remembered.background).toBe('blur');
      remembered.background = 'dusk';
      expect(JSON.parse(kept.getItem('parley.devices')!)).toEqual({ videoinput: 'back', background: 'dusk' });
      kept.setItem('parley.devices', JSON.stringify({ background: 'beach' }));
      expect(new RememberedDevices(kept).background).toBe('none');
    });
  });

  describe('failure', () => {
    it('keeps the camera as it is, goes back to no effect and says so when the effect cannot start', async () => {
      const { choice, sent } = call(camera('front'), { change: failing });
      choice.background = 'blur';
      await expect.poll(() => choice.notice).toBe('Your background could not be blurred here.');
      expect(choice.background).toBe('none');
      choice.background = 'dusk';
      await expect.poll(() => choice.notice).toBe('Your background could not be replaced here.');
      expect(choice.background).toBe('none');
      expect(sent).toHaveLength(1);
    });

    it('offers nothing where the browser cannot change the background', () => {
      const kept = storage();
      new RememberedDevices(kept).background = 'blur';
      const { choice, sent } = call(camera('front'), { change: null, kept });
      expect([choice.canChangeBackground, choice.background]).toEqual([false, 'none']);
      choice.background = 'dusk';
      expect([choice.background, sent.length]).toEqual(['none', 1]);
    });
  });
});
