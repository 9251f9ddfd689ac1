/**
 * Entry point of the state inspector page (`/inspector.html`): a self-hosted receiver for
 * @statelyai/inspect. The call page opened with `?inspect` opens this window and posts every
 * actor, snapshot and event to it; nothing leaves the machine, so it works offline.
 */
import { createBrowserReceiver } from '@statelyai/inspect';
import { mount } from 'svelte';
import { ReceivedActors } from '../lib/inspector/received-actors.svelte.ts';
import Receiver from './Receiver.svelte';
import '../styles.css';

const actors = new ReceivedActors();
// Subscribe before the first message can arrive: the receiver tells its opener it is ready.
createBrowserReceiver().subscribe((event) => actors.receive(event));
mount(Receiver, { target: document.getElementById('app')!, props: { actors, hasOpener: window.opener !== null } });
