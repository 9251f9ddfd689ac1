import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { TestClient } from '../support/test-client.ts';
import { patience } from './person.ts';

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startServer({ inspectRooms: true })]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the state inspector page with ?server', () => {
  it('shows the server\'s room actors live, as people join and leave', async () => {
    const context = await browser.newContext();
    const receiver = await context.newPage();
    await receiver.goto(`${server.origin}/inspector.html?server`);
    const url = `${server.origin.replace(/^http/, 'ws')}/ws`;

    const alice = await TestClient.ready(url);
    alice.send({ type: 'create' });
    const joined = await alice.next('joined');
    const room = receiver.getByTestId('receiver-actor').filter({ has: receiver.getByRole('heading', { name: 'room', exact: true }) });
    await expect.poll(() => room.getByTestId('receiver-actor-state').innerText(), patience).toBe('open');

    const bob = await TestClient.ready(url);
    bob.send({ type: 'join', roomId: joined.roomId });
    await bob.next('joined');
    await expect.poll(() => room.getByTestId('receiver-actor-state').innerText(), patience).toBe('full');

    await bob.close();
    await expect.poll(() => room.getByTestId('receiver-actor-state').innerText(), patience).toBe('open');
    expect(await receiver.content()).not.toContain(joined.roomId);
    await alice.close();
    await context.close();
  });
});
