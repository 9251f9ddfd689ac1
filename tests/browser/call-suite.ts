import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium, type LaunchChromiumOptions } from '../support/browser.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { createRoom, openPerson, waitUntilConnected, type OpenOptions, type Person } from './person.ts';

/** One browser test file's world: a real server, one Chromium, and the people it opened. */
export interface CallSuite {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** Opens the page for a new person (own browser context), closed after the test. */
  person(options?: OpenOptions): Promise<Person>;
  /**
   * A call of two: Alice creates a room from the lobby, Bob opens its link, and both pages
   * read `connected`. `options` adds to how each is opened; `bobOpens` may rewrite the link
   * Bob is given (say, through a proxy).
   */
  call(options?: CallOptions): Promise<{ alice: Person; bob: Person; link: string }>;
}

/** How the two people of `CallSuite.call` open the page. */
export interface CallOptions {
  alice?: OpenOptions;
  bob?: Omit<OpenOptions, 'url'>;
  bobOpens?: (link: string) => string;
}

/**
 * Registers the hooks every browser test file needs: the server and Chromium start once per
 * file, each person's context is closed after its test, and both stop after the file.
 */
export function useCallSuite(launch: LaunchChromiumOptions = {}): CallSuite {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const people: Person[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchChromium(launch)]);
  });
  afterEach(async () => {
    await Promise.all(people.splice(0).map((opened) => opened.context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const suite: CallSuite = {
    get server() {
      if (server === undefined) throw new Error('the suite has not started');
      return server;
    },
    get browser() {
      if (browser === undefined) throw new Error('the suite has not started');
      return browser;
    },
    async person(options) {
      const opened = await openPerson(suite.browser, suite.server.origin, options);
      people.push(opened);
      return opened;
    },
    async call(options = {}) {
      const alice = await suite.person(options.alice);
      const link = await createRoom(alice);
      const bob = await suite.person({ ...options.bob, url: options.bobOpens?.(link) ?? link });
      await Promise.all([waitUntilConnected(alice.page), waitUntilConnected(bob.page)]);
      return { alice, bob, link };
    },
  };
  return suite;
}
