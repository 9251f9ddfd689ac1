import { untrack } from 'svelte';
import { openDevice, type InputKind } from './actors/open-device.ts';
import type { Background } from './backgrounds.ts';
import { backgroundOf, cameraOf, canChangeBackground, changeBackground, type BackgroundEffect, type ChangeBackground } from './camera-backgrounds.ts';
import { RememberedDevices } from './remembered-devices.ts';

/** What the device selects need from the browser; tests may pass their own. */
export interface DeviceChoiceOptions {
  /** `navigator.mediaDevices` by default. */
  mediaDevices?: Pick<MediaDevices, 'enumerateDevices' | 'addEventListener' | 'removeEventListener'>;
  /** Opens a device's track; `openDevice` (getUserMedia) by default. */
  open?: (kind: InputKind, deviceId: string | undefined, originalSound: boolean) => Promise<MediaStreamTrack>;
  /** Whether media elements can pick their speaker (`setSinkId`); detected by default. */
  canChooseSpeaker?: boolean;
  /** Where the picks are remembered for the next call; `localStorage` by default. */
  remembered?: RememberedDevices;
  /** Makes a camera's track with its background changed (`backgroundTrack`), where the browser can (`canChangeBackground`). */
  changeBackground?: ChangeBackground | null;
}

/** Words for a kind of device, for the notice said when one is unplugged. */
const deviceWords: Record<InputKind, string> = { videoinput: 'camera', audioinput: 'microphone' };

/**
 * The camera, microphone and speaker selects (`camera-select`, `mic-select`,
 * `speaker-select`), before and during a call. A pick opens that device and hands its track to
 * `use` (the call swaps it in with replaceTrack); an unplugged device is replaced by another
 * of its kind, and `notice` says so. Picks are remembered for the next call. The speaker is
 * applied by each remote tile (`setSinkId`); where the browser has no `setSinkId`,
 * `canChooseSpeaker` is false and the select is hidden.
 */
export class DeviceChoice {
  devices = $state<MediaDeviceInfo[]>([]);
  #speakerId = $state('');
  #originalSound = $state(false);
  #background = $state<Background>('none');
  /** While a camera with its background changed is being made, to take the place of the one sent. */
  startingBackground = $state(false);
  /** Said after a fallback or a failed pick, until the next pick. */
  notice = $state<string | null>(null);
  readonly canChooseSpeaker: boolean;
  readonly #mediaDevices: DeviceChoiceOptions['mediaDevices'];
  readonly #open: NonNullable<DeviceChoiceOptions['open']>;
  readonly #remembered: RememberedDevices;
  readonly #change: ChangeBackground | null;

  constructor(
    private readonly use: (track: MediaStreamTrack) => void,
    private readonly stream: () => MediaStream | null,
    options: DeviceChoiceOptions = {},
  ) {
    this.#mediaDevices = options.mediaDevices ?? (typeof navigator === 'undefined' ? undefined : navigator.mediaDevices);
    this.#open = options.open ?? openDevice;
    this.canChooseSpeaker = options.canChooseSpeaker ?? (typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype);
    this.#remembered = options.remembered ?? new RememberedDevices();
    this.#speakerId = this.#remembered.get('audiooutput') ?? '';
    this.#originalSound = this.#remembered.originalSound;
    this.#change = options.changeBackground !== undefined ? options.changeBackground : canChangeBackground ? changeBackground : null;
    this.#background = this.#change === null ? 'none' : this.#remembered.background;
  }

  /** Whether background effects can be offered here. */
  get canChangeBackground(): boolean {
    return this.#change !== null;
  }

  /**
   * What stands behind the person in their camera's picture, for the others and in their own
   * tile: the room as it is, blurred, or a picture. A change takes effect in place, with no new
   * offer; it is remembered for the next call, and every camera picked meanwhile has it too.
   */
  get background(): Background {
    return this.#background;
  }

  set background(background: Background) {
    if (this.#change === null) return;
    this.#background = background;
    this.#remembered.background = background;
    void this.#applyBackground();
  }

  /**
   * Whether the microphone sends its original sound, without echo cancellation, noise
   * suppression or gain control (for music, with headphones). Switching opens the microphone
   * again that way, and is remembered for the next call.
   */
  get originalSound(): boolean {
    return this.#originalSound;
  }

  set originalSound(on: boolean) {
    this.#originalSound = on;
    this.#remembered.originalSound = on;
    const microphone = this.current('audioinput');
    if (this.#track('audioinput') !== undefined) void this.pick('audioinput', microphone === '' ? undefined : microphone);
  }

  /**
   * The speaker chosen for every remote tile; `''` is the system's default, and so is a
   * remembered speaker that is not plugged in now. Picking one remembers it for the next call.
   */
  get speakerId(): string {
    const id = this.#speakerId;
    const listed = this.devices.length === 0 || this.of('audiooutput').some((device) => device.deviceId === id);
    return id === '' || listed ? id : '';
  }

  set speakerId(id: string) {
    this.#speakerId = id;
    this.#remembered.set('audiooutput', id);
  }

  /** Devices of one kind, as the select lists them. */
  of(kind: MediaDeviceKind): MediaDeviceInfo[] {
    return this.devices.filter((device) => device.kind === kind && device.deviceId !== '');
  }

  /** Switches to the next camera in the list (the back one on a phone, after the front one), and remembers it. */
  async switchCamera(): Promise<void> {
    const cameras = this.of('videoinput');
    const now = cameras.findIndex((camera) => camera.deviceId === this.current('videoinput'));
    const next = cameras[(now + 1) % cameras.length];
    if (next !== undefined) await this.pick('videoinput', next.deviceId);
  }

  /** The device id of the track of `kind` now in the call's stream, or `''`. */
  current(kind: InputKind): string {
    // The list is reassigned after every pick, so reading it re-reads the track then.
    if (this.devices.length === 0) return '';
    const track = this.#track(kind);
    return track?.getSettings().deviceId ?? '';
  }

  /** Keeps the lists fresh and falls back when a device goes; returns the cleanup. */
  follow(): () => void {
    const changed = () => void this.#recheck();
    void this.refresh();
    // A camera opened before its background effect could start (it failed then) gets it now.
    // Untracked: the effect that follows the devices must not run again at every change of the call.
    untrack(() => {
      if (this.#background !== 'none') void this.#applyBackground();
    });
    this.#mediaDevices?.addEventListener('devicechange', changed);
    return () => this.#mediaDevices?.removeEventListener('devicechange', changed);
  }

  async refresh(): Promise<void> {
    this.devices = (await this.#mediaDevices?.enumerateDevices()) ?? [];
  }

  /** The person picked `deviceId` of `kind`: it replaces the current one at once, and is remembered for the next call. */
  async pick(kind: InputKind, deviceId: string | undefined): Promise<void> {
    this.notice = null;
    try {
      this.use(await this.#openTrack(kind, deviceId));
      if (deviceId !== undefined) this.#remembered.set(kind, deviceId);
    } catch {
      this.notice = `That ${deviceWords[kind]} could not be used. Is another app using it?`;
    }
    await this.refresh();
  }

  /** The camera's or microphone's own track now in the call's stream (behind a background effect, if any). */
  #track(kind: InputKind): MediaStreamTrack | undefined {
    const track = this.#sent(kind);
    return track === undefined ? undefined : cameraOf(track);
  }

  /** The track of `kind` the call sends now. */
  #sent(kind: InputKind): MediaStreamTrack | undefined {
    return this.stream()?.getTracks().find((track) => track.kind === (kind === 'videoinput' ? 'video' : 'audio'));
  }

  /** Opens a device; a camera comes with the background chosen. */
  async #openTrack(kind: InputKind, deviceId: string | undefined): Promise<MediaStreamTrack> {
    const track = await this.#open(kind, deviceId, this.#originalSound);
    const background = this.#background;
    return kind === 'videoinput' && background !== 'none' ? this.#changed(track, background) : track;
  }

  /** `camera` with `background`; where the effect fails to start, `camera` as it is, and the page says so. */
  async #changed(camera: MediaStreamTrack, background: BackgroundEffect): Promise<MediaStreamTrack> {
    try {
      return await this.#change!(camera, background);
    } catch {
      this.#background = 'none';
      this.notice = background === 'blur' ? 'Your background could not be blurred here.' : 'Your background could not be replaced here.';
      return camera;
    }
  }

  /**
   * Sends the camera with the background chosen now, from a copy of the camera's track: the
   * call stops the track it sent before, and the camera goes on.
   */
  async #applyBackground(): Promise<void> {
    const sent = this.#sent('videoinput');
    if (sent === undefined || sent.readyState === 'ended') return;
    const wanted = this.#background;
    if (backgroundOf(sent) === wanted) return;
    const camera = cameraOf(sent).clone();
    let next = camera;
    if (wanted !== 'none') {
      this.startingBackground = true;
      next = await this.#changed(camera, wanted).finally(() => (this.startingBackground = false));
    }
    // Changed again meanwhile (or the call ended): this one is not wanted any more.
    if (this.#background !== wanted || this.#sent('videoinput') !== sent) {
      next.stop();
      return;
    }
    this.use(next);
  }

  /**
   * After a device change: a track whose device is gone is replaced by the default one of its
   * kind. The person's pick stays remembered, so the next call takes it again once it is back.
   */
  async #recheck(): Promise<void> {
    await this.refresh();
    for (const kind of ['videoinput', 'audioinput'] as const) {
      const track = this.#track(kind);
      const id = track?.getSettings().deviceId;
      const gone = track !== undefined && (track.readyState === 'ended' || (id !== undefined && !this.of(kind).some((device) => device.deviceId === id)));
      if (!gone) continue;
      const fallback = this.of(kind)[0];
      try {
        this.use(await this.#openTrack(kind, fallback?.deviceId));
        this.notice = `Your ${deviceWords[kind]} was disconnected. Now using ${fallback?.label || 'another one'}.`;
      } catch {
        this.notice = `Your ${deviceWords[kind]} was disconnected, and no other one could be used.`;
      }
    }
  }
}
