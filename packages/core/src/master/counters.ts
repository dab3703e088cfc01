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
