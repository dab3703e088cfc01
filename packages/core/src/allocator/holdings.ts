/**
 * What each framework holds on one agent. An agent holds allocations of a handful of
 * frameworks that come and go with every offer, so two parallel arrays beat a Map here: no
 * hashing, and no table rehashing or reallocation as entries are added and removed.
 */
export class Holdings<K, V> {
  readonly keys: K[] = [];
  readonly values: V[] = [];

  get size(): number {
    return this.keys.length;
  }

  get(key: K): V | undefined {
    const i = this.keys.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  set(key: K, value: V): void {
    const i = this.keys.indexOf(key);
    if (i >= 0) {
      this.values[i] = value;
    } else {
      this.keys.push(key);
      this.values.push(value);
    }
  }

  delete(key: K): void {
    const i = this.keys.indexOf(key);
    if (i < 0) return;
    const last = this.keys.length - 1;
    this.keys[i] = this.keys[last];
    this.values[i] = this.values[last];
    this.keys.pop();
    this.values.pop();
  }
}
