import { afterEach, describe, expect, it, vi } from 'vitest';
import { offerAutoPictureInPicture, videoToFloat } from '../../web/lib/picture-in-picture.ts';

/** A call's stage as the page draws it: remote tiles (state, active speaker, camera off) and a shared screen. */
function stage(html: string): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = html;
  return root;
}

const tile = (id: string, { state = 'connected', active = false, cameraOff = false } = {}) =>
  `<figure data-testid="remote-tile" data-state="${state}" class="${active ? 'active' : ''}"><video id="${id}" class="${cameraOff ? 'hidden' : ''}"></video></figure>`;

afterEach(() => vi.unstubAllGlobals());

describe('the video to float when you look away', () => {
  describe('happy path', () => {
    it('takes a shared screen first, then the loudest speaker, then the first connected camera', () => {
      expect(videoToFloat(stage(`${tile('ana')}${tile('bo', { active: true })}<video data-kind="screen" id="screen"></video>`))?.id).toBe('screen');
      expect(videoToFloat(stage(`${tile('ana')}${tile('bo', { active: true })}`))?.id).toBe('bo');
      expect(videoToFloat(stage(`${tile('ana', { state: 'reconnecting' })}${tile('bo', { cameraOff: true })}${tile('cy')}`))?.id).toBe('cy');
    });

    it('lets the browser float the picked video when it asks, until the offer is withdrawn', () => {
      const handlers = new Map<string, (() => void) | null>();
      vi.stubGlobal('navigator', { mediaSession: { setActionHandler: (action: string, handler: (() => void) | null) => handlers.set(action, handler) } });
      Object.defineProperty(document, 'pictureInPictureEnabled', { value: true, configurable: true });
      const video = document.createElement('video');
      const request = vi.fn(() => Promise.resolve());
      video.requestPictureInPicture = request as unknown as HTMLVideoElement['requestPictureInPicture'];

      const withdraw = offerAutoPictureInPicture(() => video);
      handlers.get('enterpictureinpicture')!();
      expect(request).toHaveBeenCalledTimes(1);
      withdraw();
      expect(handlers.get('enterpictureinpicture')).toBeNull();
    });
  });

  describe('edge cases', () => {
    it('floats nothing while nobody is connected with a camera on', () => {
      expect(videoToFloat(stage(`${tile('ana', { state: 'offering' })}${tile('bo', { cameraOff: true })}`))).toBeNull();
    });

    it('offers nothing to a browser without the action', () => {
      vi.stubGlobal('navigator', { mediaSession: { setActionHandler: () => { throw new TypeError('unknown action'); } } });
      Object.defineProperty(document, 'pictureInPictureEnabled', { value: true, configurable: true });
      expect(() => offerAutoPictureInPicture(() => null)()).not.toThrow();
    });
  });
});
