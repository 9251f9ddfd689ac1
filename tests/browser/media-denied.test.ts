import { describe, expect, it } from 'vitest';
import { errorText } from '../../web/lib/error-text.ts';
import { useCallSuite } from './call-suite.ts';
import { createRoom, shownError, waitForMovingRemoteVideo, waitUntilConnected } from './person.ts';

// Without the auto-allow flag, Chromium answers a context that was not granted camera and
// microphone with NotAllowedError: the real path of a person who blocked them.
const suite = useCallSuite({ autoAllowMedia: false });
const person = suite.person;

describe('a person who blocked camera and microphone', () => {
  describe('failure', () => {
    it('is told so in words and can still join the call, receiving only', async () => {
      const a = await person();
      const link = await createRoom(a);
      const b = await person({ url: link, media: false });

      const error = await shownError(b.page);
      expect(error.code).toBe('media-denied');
      expect(error.text).toContain(errorText('media-denied'));

      await b.page.getByRole('button', { name: /join without camera/i }).click();
      await Promise.all([waitUntilConnected(a.page), waitUntilConnected(b.page)]);
      await waitForMovingRemoteVideo(b.page);
      expect(b.errors).toEqual([]);
    });

    it('can allow the camera in the browser and try again, and is then seen by the others', async () => {
      const a = await person();
      const link = await createRoom(a);
      const b = await person({ url: link, media: false });
      expect((await shownError(b.page)).code).toBe('media-denied');

      await b.context.grantPermissions(['camera', 'microphone'], { origin: new URL(link).origin });
      await b.page.getByRole('button', { name: /^try again$/i }).click();
      await b.page.getByTestId('join-call').click();

      await Promise.all([waitUntilConnected(a.page), waitUntilConnected(b.page)]);
      await waitForMovingRemoteVideo(a.page);
      expect(await b.page.getByTestId('error').count()).toBe(0);
      expect(b.errors).toEqual([]);
    });

    it('can go back to the lobby instead', async () => {
      const b = await person({ media: false });
      await b.page.getByTestId('create-room').click();
      expect((await shownError(b.page)).code).toBe('media-denied');

      await b.page.getByRole('button', { name: /^back$/i }).click();

      await b.page.getByTestId('create-room').waitFor();
      expect(await b.page.getByTestId('error').count()).toBe(0);
    });
  });
});
