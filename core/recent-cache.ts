// A bounded cache of recently used entries in two generations: new entries go to the young map;
// when it fills, it becomes the old one and the previous old one is dropped. Hits in the old
// generation move back to the young one. O(1) per operation; no per-entry recency bookkeeping
// (a Map used as an LRU with delete+set and keys().next() eviction walks tombstones: O(n)).
export class RecentCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: K, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= Math.max(1, this.capacity / 2)) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
