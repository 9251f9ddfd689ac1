/** How many leading characters name an id in the inspector: enough to tell peers apart at a glance. */
const shownLength = 4;

/**
 * The start of an id followed by an ellipsis (`b7f3…`), as the inspector shows peer and room
 * ids: a whole peer id (12 characters) or room id (36) would crowd the log.
 */
export function shortId(id: string): string {
  return id.length > shownLength + 1 ? `${id.slice(0, shownLength)}…` : id;
}
