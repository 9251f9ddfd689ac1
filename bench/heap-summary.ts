/**
 * Reads V8 heap snapshots (`v8.writeHeapSnapshot`) into bytes by kind of object, and the
 * difference between two snapshots per client: which objects a connected client adds.
 */
import { readFileSync } from 'node:fs';

/** The parts of a .heapsnapshot this reads. */
interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes and count of one kind of object. */
export interface HeapGroup {
  name: string;
  bytes: number;
  count: number;
}

/** Groups a snapshot's nodes: objects by constructor, closures by function, the rest by type. */
export function groupHeap(file: string): Map<string, HeapGroup> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, HeapGroup>();
  for (let index = 0; index < heap.nodes.length; index += stride) {
    const type = types[heap.nodes[index + typeAt]!]!;
    const name = heap.strings[heap.nodes[index + nameAt]!]!;
    const label =
      type === 'object' || type === 'native' ? name : type === 'closure' ? `(closure) ${name || 'anonymous'}` : `(${type})`;
    const group = groups.get(label) ?? { name: label, bytes: 0, count: 0 };
    group.bytes += heap.nodes[index + sizeAt]!;
    group.count += 1;
    groups.set(label, group);
  }
  return groups;
}

/** What `after` holds beyond `before`, per client, largest first. */
export function heapGrowthPerClient(before: string, after: string, clients: number): HeapGroup[] {
  const base = groupHeap(before);
  return [...groupHeap(after).values()]
    .map((group) => ({
      name: group.name,
      bytes: (group.bytes - (base.get(group.name)?.bytes ?? 0)) / clients,
      count: (group.count - (base.get(group.name)?.count ?? 0)) / clients,
    }))
    .filter((group) => group.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}
