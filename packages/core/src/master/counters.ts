/** Monotonic event counts of a master (Mesos metrics such as master/slave_registrations). */
export class MasterCounters {
  private readonly values = new Map<string, number>();

  inc(name: string): void {
    this.add(name, 1);
  }

  add(name: string, n: number): void {
    this.values.set(name, (this.values.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  entries(): IterableIterator<[string, number]> {
    return this.values.entries();
  }
}

/**
 * Counter names `prefix + key` (the key lower-cased if asked), each made once: building and hashing
 * a new name string on every call and status update showed in the master's profile.
 */
export class CounterNames {
  private readonly byKey = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    private readonly lowerCase = false,
  ) {}

  of(key: string): string {
    let name = this.byKey.get(key);
    if (name === undefined) this.byKey.set(key, (name = this.prefix + (this.lowerCase ? key.toLowerCase() : key)));
    return name;
  }
}
