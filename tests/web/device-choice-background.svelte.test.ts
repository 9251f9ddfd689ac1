import { describe, expect, it } from 'vitest';
import { blurIfChosen, blurredFrom, cameraOf } from '../../web/lib/blurred-cameras.ts';
import { DeviceChoice } from '../../web/lib/device-choice.svelte.ts';
import { RememberedDevices } from '../../web/lib/remembered-devices.ts';

/** A `localStorage` of its own for each test. */
function storage() {
  const items = new Map<string, string>();
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
}

interface FakeTrack extends Omit<MediaStreamTrack, 'readyState'> {
  blurred: boolean;
  copyOf?: FakeTrack;
  readyState: MediaStreamTrackState;
}

/** A camera's track from device `deviceId`; its copies come from the same device. */
function camera(deviceId: string, copyOf?: FakeTrack): FakeTrack {
  const track = {
    kind: 'video',
    blurred: false,
    copyOf,
    readyState: 'live',
    getSettings: () => ({ deviceId }),
    clone: () => camera(deviceId, track),
    stop: () => void (track.readyState = 'ended'),
  } as unknown as FakeTrack;
  return track;
}

/** A blur that works (a track marked blurred, made from the camera), or one that fails. */
async function blur(source: MediaStreamTrack): Promise<MediaStreamTrack> {
  const blurred = { kind: 'video', blurred: true, readyState: 'live', getSettings: () => ({}), stop() {} } as unknown as FakeTrack;
  blurredFrom(blurred as unknown as MediaStreamTrack, source);
  return blurred as unknown as MediaStreamTrack;
}
const failingBlur = () => Promise.reject(new Error('no WebAssembly'));

const listed = [{ kind: 'videoinput', deviceId: 'front', label: 'Front', groupId: '' }, { kind: 'videoinput', deviceId: 'back', label: 'Back', groupId: '' }] as MediaDeviceInfo[];

/** A call sending `first`, whose device choice swaps in what it is given, as the call does. */
function call(first: FakeTrack, options: { blur?: typeof blur | null; kept?: ReturnType<typeof storage> } = {}) {
  const sent: FakeTrack[] = [first];
  const stream = { getTracks: () => sent.slice(-1) } as unknown as MediaStream;
  const choice = new DeviceChoice((track) => sent.push(track as unknown as FakeTrack), () => stream, {
    mediaDevices: { enumerateDevices: async () => listed, addEventListener() {}, removeEventListener() {} },
    open: async (_kind, deviceId) => camera(deviceId ?? 'front') as unknown as MediaStreamTrack,
    remembered: new RememberedDevices(options.kept ?? storage()),
    blur: options.blur === undefined ? blur : options.blur,
  });
  return { choice, sent, now: () => sent.at(-1)! };
}

describe('blurring the background', () => {
  describe('happy path', () => {
    it('sends a blurred copy of the camera, then the camera as it is, and remembers the choice', async () => {
      const kept = storage();
      const front = camera('front');
      const { choice, sent, now } = call(front, { kept });
      await choice.refresh();
      choice.backgroundBlur = true;
      await expect.poll(() => sent.length).toBe(2);
      expect(now().blurred).toBe(true);
      // From a copy: the call stops the track it sent before, and the camera goes on.
      expect((cameraOf(now() as unknown as MediaStreamTrack) as unknown as FakeTrack).copyOf).toBe(front);
      expect(choice.current('videoinput')).toBe('front');

      choice.backgroundBlur = false;
      await expect.poll(() => sent.length).toBe(3);
      expect(now().blurred).toBe(false);
      expect(now().getSettings().deviceId).toBe('front');
      expect(new RememberedDevices(kept).backgroundBlur).toBe(false);
    });

    it('blurs every camera picked meanwhile, and the next call\'s camera once the call follows the devices', async () => {
      const kept = storage();
      const { choice, now } = call(camera('front'), { kept });
      await choice.refresh();
      choice.backgroundBlur = true;
      await expect.poll(() => now().blurred).toBe(true);
      await choice.switchCamera();
      expect([now().blurred, choice.current('videoinput')]).toEqual([true, 'back']);

      const next = call(camera('front'), { kept });
      expect(next.choice.backgroundBlur).toBe(true);
      next.choice.follow()();
      await expect.poll(() => next.now().blurred).toBe(true);
    });
  });

  describe('edge cases', () => {
    it('opens a camera blurred when blur was chosen, and as it is otherwise or where blur fails', async () => {
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
      const chosen = await blurIfChosen(streamOf(voice, front), true, blur);
      expect(chosen.getTracks().map((track) => [track.kind, (track as unknown as FakeTrack).blurred ?? false])).toEqual([['audio', false], ['video', true]]);
      expect(cameraOf(chosen.getVideoTracks()[0]!)).toBe(front);

      expect((await blurIfChosen(streamOf(voice, front), false, blur)).getVideoTracks()[0]).toBe(front);
      expect((await blurIfChosen(streamOf(voice, front), true, failingBlur)).getVideoTracks()[0]).toBe(front);
      expect((await blurIfChosen(streamOf(voice), true, blur)).getTracks()).toEqual([voice]);
    });
  });

  describe('failure', () => {
    it('keeps the camera as it is, turns the choice off and says so when blur cannot start', async () => {
      const { choice, sent } = call(camera('front'), { blur: failingBlur });
      choice.backgroundBlur = true;
      await expect.poll(() => choice.notice).toBe('Your background could not be blurred here.');
      expect(choice.backgroundBlur).toBe(false);
      expect(sent).toHaveLength(1);
    });

    it('offers nothing where the browser cannot blur', () => {
      const kept = storage();
      new RememberedDevices(kept).backgroundBlur = true;
      const { choice, sent } = call(camera('front'), { blur: null, kept });
      expect([choice.canBlur, choice.backgroundBlur]).toEqual([false, false]);
      choice.backgroundBlur = true;
      expect([choice.backgroundBlur, sent.length]).toEqual([false, 1]);
    });
  });
});
