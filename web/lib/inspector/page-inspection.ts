import type { InspectionEvent, Observer } from 'xstate';
import { ExternalInspector } from './external-inspector.svelte.ts';
import { inspectModeOf } from './inspect-mode.ts';
import { InspectorLog } from './inspector-log.svelte.ts';

/** Where the page's inspection goes; the page's own address by default. */
export interface PageInspectionOptions {
  /** The page address's query (`?inspect`, `?inspect=stately`). */
  search?: string;
  log?: InspectorLog;
}

/**
 * Everything that watches the call actor: the in-app inspector's log, always, and an
 * external @statelyai/inspect window when the address asks for one. `inspect` is the one
 * observer to give `createActor(…, { inspect })`: xstate takes a single observer per system.
 */
export class PageInspection {
  readonly log: InspectorLog;
  /** The external inspector, when `?inspect` asked for one. */
  readonly external: ExternalInspector | null;
  readonly inspect: Observer<InspectionEvent>;

  constructor(options: PageInspectionOptions = {}) {
    const log = options.log ?? new InspectorLog();
    const mode = inspectModeOf(options.search ?? '');
    const external = mode ? new ExternalInspector(mode) : null;
    this.log = log;
    this.external = external;
    this.inspect = external
      ? {
          next: (event) => {
            log.observer.next?.(event);
            external.observer.next?.(event);
          },
        }
      : log.observer;
  }
}
