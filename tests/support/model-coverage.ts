import type { AnyActorRef, AnyStateMachine, AnyStateNode, AnyTransitionDefinition, InspectionEvent } from 'xstate';

/**
 * A stable, unique name for one transition: source, event, guard as written, and its place
 * among that event's alternatives (`source --event[guard]#0--> target`), so guarded
 * alternatives of one event never share a name.
 */
export function transitionName(transition: AnyTransitionDefinition): string {
  const source = transition.source as AnyStateNode;
  const alternatives = transition.eventType ? source.transitions.get(transition.eventType) : source.always;
  const guard = transition.guard === undefined ? '' : `[${guardName(transition.guard)}]`;
  const target = transition.target?.map((node: AnyStateNode) => node.id).join(',') ?? '(stay)';
  return `${source.id} --${transition.eventType || 'always'}${guard}#${alternatives?.indexOf(transition) ?? 0}--> ${target}`;
}

/** A guard as written in the machine: a named guard, `{ type }`, or an inline function. */
function guardName(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return 'inline';
}

/** The child actors of a snapshot that are still running. */
export function runningChildren(snapshot: { children: Record<string, AnyActorRef | undefined> }): string[] {
  return Object.entries(snapshot.children).flatMap(([id, child]) => (child?.getSnapshot().status === 'active' ? [id] : []));
}

function walk(node: AnyStateNode, visit: (node: AnyStateNode) => void): void {
  visit(node);
  for (const child of Object.values(node.states) as AnyStateNode[]) walk(child, visit);
}

/** Every state node id of a machine (the root included), derived from its definition. */
export function statesOf(machine: AnyStateMachine): string[] {
  const ids: string[] = [];
  walk(machine.root, (node) => ids.push(node.id));
  return ids;
}

/** Every transition of a machine, `always` and delayed ones included, derived from its definition. */
export function transitionsOf(machine: AnyStateMachine): string[] {
  const names: string[] = [];
  walk(machine.root, (node) => {
    for (const transitions of node.transitions.values()) {
      for (const transition of transitions) names.push(transitionName(transition));
    }
    for (const transition of node.always ?? []) names.push(transitionName(transition));
  });
  return names;
}

/**
 * Records which states and transitions actors actually took, from xstate's inspection stream.
 * Pass `inspect` to `createActor(…, { inspect })` for every replayed path, then compare
 * `states`/`transitions` with `statesOf`/`transitionsOf` of the machine.
 */
export class CoverageRecorder {
  readonly states = new Set<string>();
  readonly transitions = new Set<string>();

  readonly inspect = (event: InspectionEvent): void => {
    if (event.type === '@xstate.microstep') {
      for (const transition of (event as unknown as { _transitions: AnyTransitionDefinition[] })._transitions) {
        this.transitions.add(transitionName(transition));
      }
    }
    if (event.type === '@xstate.snapshot' || event.type === '@xstate.microstep') {
      const snapshot = event.snapshot as { _nodes?: AnyStateNode[] };
      for (const node of snapshot._nodes ?? []) this.states.add(node.id);
    }
  };

  /** What the definition has that no recorded run reached. */
  missing(machine: AnyStateMachine): { states: string[]; transitions: string[] } {
    return {
      states: statesOf(machine).filter((id) => !this.states.has(id)),
      transitions: transitionsOf(machine).filter((name) => !this.transitions.has(name)),
    };
  }
}

/** Names a generated path by its events, for one `it()` per path. */
export function pathName(events: ReadonlyArray<{ type: string }>): string {
  const named = events.map((event) => event.type).filter((type) => type !== 'xstate.init');
  return named.length === 0 ? '(initial state)' : named.join(' → ');
}
