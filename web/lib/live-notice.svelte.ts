/**
 * The text of a live region (`role="status"`) that is read out again when the same thing
 * happens again: a region whose text does not change is not read, so a repeat differs from
 * the words before it by a trailing no-break space.
 */
export class LiveNotice {
  text = $state('');

  /** Puts `words` in the region, to be read out now. */
  say(words: string): void {
    this.text = this.text === words ? `${words}\u00a0` : words;
  }
}
