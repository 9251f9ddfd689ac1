import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, toPromise } from 'xstate';
import { MediaAccessError } from '../../machines/call/media-access-error.ts';
import { acquireMedia } from '../../web/lib/actors/acquire-media.ts';
import { createFakeStream } from '../support/fakes/fake-media.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A browser whose getUserMedia answers with `answer`. */
function browserAnswering(answer: () => Promise<MediaStream>) {
  const getUserMedia = vi.fn(answer);
  vi.stubGlobal('navigator', { mediaDevices: { getUserMedia } });
  return getUserMedia;
}

function domError(name: string): Error {
  return Object.assign(new Error(`${name} from the browser`), { name });
}

async function failureOf(request = { audio: true, video: true }): Promise<MediaAccessError> {
  const actor = createActor(acquireMedia, { input: request });
  actor.start();
  return toPromise(actor).then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as MediaAccessError,
  );
}

describe('acquireMedia (the page\'s getUserMedia actor)', () => {
  describe('happy path', () => {
    it('asks the browser for exactly the devices requested and hands back its stream', async () => {
      const stream = createFakeStream('cam', { audio: true, video: false }).asMediaStream();
      const getUserMedia = browserAnswering(async () => stream);
      const actor = createActor(acquireMedia, { input: { audio: true, video: false } });
      actor.start();
      await expect(toPromise(actor)).resolves.toBe(stream);
      expect(getUserMedia).toHaveBeenCalledWith({ audio: true, video: false });
    });

    it('turns the camera off again when the answer comes after the call was left', async () => {
      const stream = createFakeStream('late', { audio: true, video: true });
      let answer: (value: MediaStream) => void = () => {};
      browserAnswering(() => new Promise((resolve) => (answer = resolve)));
      const actor = createActor(acquireMedia, { input: { audio: true, video: true } });
      actor.start();
      actor.stop();
      answer(stream.asMediaStream());
      await vi.waitFor(() => expect(stream.getTracks().every((track) => track.readyState === 'ended')).toBe(true));
    });
  });

  describe('failure', () => {
    for (const name of ['NotAllowedError', 'SecurityError']) {
      it(`says media-denied for ${name}`, async () => {
        browserAnswering(() => Promise.reject(domError(name)));
        const error = await failureOf();
        expect(error).toBeInstanceOf(MediaAccessError);
        expect(error.code).toBe('media-denied');
        expect((error.cause as Error).name).toBe(name);
      });
    }

    for (const name of ['NotFoundError', 'OverconstrainedError', 'NotReadableError']) {
      it(`says media-unavailable for ${name}`, async () => {
        browserAnswering(() => Promise.reject(domError(name)));
        expect((await failureOf()).code).toBe('media-unavailable');
      });
    }

    it('says media-unavailable where the browser offers no camera API (an insecure page)', async () => {
      vi.stubGlobal('navigator', {});
      const error = await failureOf();
      expect(error.code).toBe('media-unavailable');
      expect(error.message).toMatch(/https/);
    });
  });
});
