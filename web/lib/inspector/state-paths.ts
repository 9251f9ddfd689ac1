import type { StateValue } from 'xstate';

/**
 * The active leaf states of a snapshot's `value` as dotted paths, in definition order:
 * `'inCall'` → `['inCall']`; `{ active: { connection: 'connected', negotiation: 'stable' } }`
 * → `['active.connection.connected', 'active.negotiation.stable']`.
 */
export function statePaths(value: StateValue | null | undefined, prefix = ''): string[] {
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (typeof value === 'string') return [join(value)];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    child === undefined || (typeof child === 'object' && Object.keys(child).length === 0) ? [join(key)] : statePaths(child, join(key)),
  );
}
