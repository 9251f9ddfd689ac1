import type { InspectionEvent, Observer } from 'xstate';
import type { InspectMode } from './inspect-mode.ts';
import { inspectorShortcut } from './inspector-shortcut.ts';
import { sanitizeInspection } from './sanitize-inspection.ts';

type InspectModule = typeof import('@statelyai/inspect');

/** The receiver page served beside the call page (web/inspector.html, a second Vite entry). */
export const localReceiverPath = '/inspector.html';

/**
 * Where the external inspector stands: it waits for the person to allow sending to stately.ai
 * (`asking`) or they `declined`; the library is `loading`; its window is `open`; the browser
 * `blocked` the window (it was not opened from a click: `reopen()` from one); or the library
 * `failed` to load.
 */
export type ExternalInspectorStatus = 'asking' | 'declined' | 'loading' | 'open' | 'blocked' | 'failed';

/** Inspection events kept while the library loads; starting the page makes a few dozen. */
const pendingLimit = 1_000;

/**
 * Events the inspector keeps to replay when its window (re)connects. The library's default
 * (200) can lose the actors' registrations before a late window connects; a call's start
 * makes a few hundred events, and only pages opened with `?inspect` keep them.
 */
const replayLimit = 2_000;

/** The name of the inspector's window, as @statelyai/inspect names it, so a reopen reuses it. */
const windowName = 'xstateinspector';

/**
 * An @statelyai/inspect browser inspector, opened when the page's address asks for one
 * (`?inspect`). The library is loaded with a dynamic `import()`, so the call page carries none
 * of it otherwise; events that happen while it loads (the call actor's own registration
 * among them) are held and handed over once it is there.
 *
 * Stately's hosted inspector (`stately`) is off the machine: nothing is loaded, opened or
 * sent until the person says so in the page (`allow()`), and then only sanitised events
 * (sanitize-inspection.ts). The local receiver gets everything: it stays on the machine.
 */
export class ExternalInspector {
  readonly mode: InspectMode;
  status = $state<ExternalInspectorStatus>('asking');
  /** Pass to `createActor(…, { inspect })`, beside the in-app log's observer. */
  readonly observer: Observer<InspectionEvent>;
  #pending: InspectionEvent[] = [];
  #forward: ((event: InspectionEvent) => void) | null = null;
  #reopen: (() => void) | null = null;
  readonly #load: () => Promise<InspectModule>;

  constructor(mode: InspectMode, load: () => Promise<InspectModule> = () => import('@statelyai/inspect')) {
    this.mode = mode;
    this.#load = load;
    this.observer = {
      next: (event) => {
        if (this.#forward) this.#forward(event);
        else if (this.#pending.length < pendingLimit) this.#pending.push(event);
      },
    };
    if (mode === 'local') this.allow();
  }

  /** Starts the inspector; for stately.ai, call it from the person's click on the confirm step. */
  allow(): void {
    if (this.status !== 'asking') return;
    this.status = 'loading';
    void this.#start(this.#load);
  }

  /** The person said no: drop what was held and never send anything. */
  decline(): void {
    if (this.status !== 'asking') return;
    this.#pending = [];
    this.#forward = () => {};
    this.status = 'declined';
  }

  /** Opens the inspector's window again; call it from a click so a popup blocker lets it through. */
  reopen(): void {
    this.#reopen?.();
  }

  async #start(load: () => Promise<InspectModule>): Promise<void> {
    let module: InspectModule;
    try {
      module = await load();
    } catch {
      // Nothing will take the events: stop holding them.
      this.#pending = [];
      this.#forward = () => {};
      this.status = 'failed';
      return;
    }
    // Without a url the library uses Stately's hosted inspector.
    const target = this.mode === 'local' ? { url: new URL(localReceiverPath, window.location.href).href } : { serialize: sanitizeInspection };
    const inspector = module.createBrowserInspector({ ...target, autoStart: false, maxDeferredEvents: replayLimit });
    const adapter = inspector.adapter;
    inspector.start();
    this.#reopen = () => {
      adapter.targetWindow = window.open(adapter.options.url, windowName) ?? adapter.targetWindow;
      this.status = adapter.targetWindow ? 'open' : 'blocked';
    };
    this.status = adapter.targetWindow ? 'open' : 'blocked';
    if (this.status === 'blocked') {
      console.info(`The state inspector window was blocked: open the handshake inspector (${inspectorShortcut}) and choose "Open state inspector".`);
    }
    const next = (event: InspectionEvent) => inspector.inspect.next?.(event);
    for (const event of this.#pending.splice(0)) next(event);
    this.#forward = next;
  }
}
