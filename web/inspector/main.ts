/**
 * Entry point of the state inspector page (`/inspector.html`): a self-hosted receiver for
 * @statelyai/inspect. The call page opened with `?inspect` opens this window and posts every
 * actor, snapshot and event to it; nothing leaves the machine, so it works offline.
 * With `?server`, it also shows the signaling server's room actors, streamed from `/inspect`
 * by a server started with INSPECT_ROOMS=1.
 */
import { createBrowserReceiver, createWebSocketReceiver } from '@statelyai/inspect';
import { mount } from 'svelte';
import { ReceivedActors } from '../lib/inspector/received-actors.svelte.ts';
import Receiver from './Receiver.svelte';
import '../styles.css';

const actors = new ReceivedActors();
// Subscribe before the first message can arrive: the receiver tells its opener it is ready.
createBrowserReceiver().subscribe((event) => actors.receive(event));
if (new URLSearchParams(location.search).has('server')) {
  const server = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/inspect`;
  createWebSocketReceiver({ server }).subscribe((event) => actors.receive(event));
}
mount(Receiver, { target: document.getElementById('app')!, props: { actors, hasOpener: window.opener !== null } });
