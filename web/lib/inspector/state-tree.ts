/** The kinds of state node a statechart draws differently. */
export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** One state of a machine, as the inspector draws it. */
export interface StateTreeNode {
  /** The state's own name (`connected`). */
  key: string;
  /** Dotted path from the machine's root (`active.connection.connected`), as `snapshot.value` names it. */
  path: string;
  kind: StateKind;
  /** Whether its parent enters it first. */
  initial: boolean;
  /** Child states in definition order; for a parallel state, its regions. */
  children: StateTreeNode[];
}

/** The part of an xstate StateNode the tree is read from (`machine.root` and its `states`). */
export interface StateNodeLike {
  key: string;
  type: string;
  config: { initial?: unknown };
  states: Record<string, StateNodeLike>;
}

function nodesOf(parent: StateNodeLike, prefix: string): StateTreeNode[] {
  const initial = typeof parent.config.initial === 'string' ? parent.config.initial : undefined;
  return Object.values(parent.states).map((node) => {
    const path = prefix ? `${prefix}.${node.key}` : node.key;
    return {
      key: node.key,
      path,
      kind: node.type as StateKind,
      initial: node.key === initial,
      children: nodesOf(node, path),
    };
  });
}

/**
 * Every state of a machine, nested as defined, read from the machine itself
 * (`machine.root.states`, recursively) so a drawing never drifts from the statechart.
 */
export function stateTreeOf(root: StateNodeLike): StateTreeNode[] {
  return nodesOf(root, '');
}
