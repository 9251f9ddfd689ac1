import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { openPerson, type Person } from './person.ts';

/**
 * People for a test file that starts its own servers (a restartable server, a cluster): one
 * Chromium for the file, and a function that opens a person (their own context) at `origin`,
 * or at a room's `url` there. After each test every person's context is closed first, then
 * `afterEachTest` runs (to stop that test's servers once no page talks to them).
 */
export function usePeople(afterEachTest: () => Promise<void> = async () => {}): (origin: string, url?: string) => Promise<Person> {
  let browser: Browser | undefined;
  const people: Person[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.all(people.splice(0).map((person) => person.context.close()));
    await afterEachTest();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return async (origin, url) => {
    const opened = await openPerson(browser!, origin, { url });
    people.push(opened);
    return opened;
  };
}
