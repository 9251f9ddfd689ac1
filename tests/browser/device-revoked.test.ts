import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useCallSuite } from './call-suite.ts';
import { handshakeStates, patience, shownError, waitForMovingRemoteVideo } from './person.ts';

/**
 * Chromium ends a page's camera and microphone tracks when their permission is taken back
 * (with permissions granted per context, not by the fake prompt): what a person meets when
 * they revoke access mid-call, or a device stops.
 */
const suite = useCallSuite({ autoAllowMedia: false });

/** Whether a switch reads as off (`aria-pressed="true"`). */
async function pressed(page: Page, testId: string): Promise<string | null> {
  return page.getByTestId(testId).getAttribute('aria-pressed');
}

describe('a call while one person\'s camera and microphone permission is revoked', () => {
  it('says so, shows both switches off, shows the others that person\'s camera and mic as off, and goes on until another device is picked', async () => {
    const { alice, bob } = await suite.call();
    await Promise.all([waitForMovingRemoteVideo(alice.page), waitForMovingRemoteVideo(bob.page)]);
    const peersBefore = await handshakeStates(alice.page);

    await bob.context.clearPermissions();

    expect((await shownError(bob.page)).code).toBe('device-ended');
    await expect.poll(() => pressed(bob.page, 'toggle-camera'), patience).toBe('true');
    await expect.poll(() => pressed(bob.page, 'toggle-mic'), patience).toBe('true');
    // Alice sees Bob's camera and mic off, told over the data channel: his initials, not a frozen picture.
    const bobTile = alice.page.getByTestId('remote-tile');
    await bobTile.getByTestId('peer-camera-off').waitFor({ timeout: patience.timeout });
    await bobTile.getByTestId('peer-muted').waitFor({ timeout: patience.timeout });
    expect(await bobTile.getByTestId('remote-video').isVisible()).toBe(false);
    // The call goes on: Bob still sees Alice, and the connection was never lost.
    await waitForMovingRemoteVideo(bob.page);
    expect(await handshakeStates(alice.page)).toEqual(peersBefore);

    // Allowed again, Bob picks his camera under Devices and turns it back on.
    await bob.context.grantPermissions(['camera', 'microphone'], { origin: suite.server.origin });
    await bob.page.getByRole('button', { name: 'Devices' }).click();
    const cameras = bob.page.getByTestId('camera-select');
    const camera = await cameras.locator('option').evaluateAll((options) => (options as HTMLOptionElement[]).map((option) => option.value).find((value) => value !== ''));
    await cameras.selectOption(camera!);
    await expect.poll(() => bob.page.getByTestId('error').count(), patience).toBe(0);
    await bob.page.getByTestId('toggle-camera').click();
    await bobTile.getByTestId('peer-camera-off').waitFor({ state: 'detached', timeout: patience.timeout });
    await waitForMovingRemoteVideo(alice.page);
    expect(alice.errors).toEqual([]);
  }, 120_000);
});
