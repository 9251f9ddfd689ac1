/**
 * Display names (docs/protocol.md, second edition): what a person is called in a call. The server
 * checks every name a client sends with `displayName()`, and the page uses the same rule to
 * say what it would refuse before sending, so both sides agree on one definition.
 */

/** Longest name, in characters (Unicode code points) after trimming: a full name fits. */
export const maxNameLength = 64;

/** C0 and C1 control characters and DEL: a name is shown as one line of plain text. */
const controlCharacter = /\p{Cc}/u;

/**
 * The name as it is kept and relayed (trimmed), or `null` when it breaks the rule: 1 to
 * `maxNameLength` characters after trimming, no control characters. Never throws.
 */
export function displayName(raw: string): string | null {
  const name = raw.trim();
  const length = [...name].length;
  if (length === 0 || length > maxNameLength || controlCharacter.test(name)) return null;
  return name;
}
