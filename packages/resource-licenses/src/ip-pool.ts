import { Resources } from "@tessera/core";
import { BasePool, type PoolSpec } from "./base-pool.js";
import { cidrAddresses, cidrContains, formatAddress, formatCidr, parseAddress, type Cidr } from "./cidr.js";
import type { PoolStatus } from "./pool.js";

export interface IpPoolSpec extends PoolSpec {
  cidrs: readonly Cidr[];
  exclude?: readonly Cidr[];
}

/**
 * A SET of individual IP addresses: the pool's CIDR blocks minus the excluded addresses. Each
 * address is held by at most one task, which gets exactly the addresses it asked for.
 */
export class IpPool extends BasePool {
  readonly kind = "ip" as const;
  /** In address order. */
  readonly addresses: readonly string[];
  readonly #members: ReadonlySet<string>;
  readonly #holderOf = new Map<string, string>();
  readonly #held = new Map<string, string[]>();
  readonly #describe: string;
  #total: Resources | undefined;

  constructor(spec: IpPoolSpec) {
    super(spec);
    const exclude = spec.exclude ?? [];
    const out: string[] = [];
    for (const c of spec.cidrs) {
      for (const a of cidrAddresses(c)) if (!exclude.some((x) => cidrContains(x, a))) out.push(formatAddress(a));
    }
    this.addresses = out;
    this.#members = new Set(out);
    this.#describe = spec.cidrs.map(formatCidr).join(", ") + (exclude.length > 0 ? ` minus ${exclude.map(formatCidr).join(", ")}` : "");
  }

  total(providerId: string): Resources {
    if (this.addresses.length === 0) return Resources.empty();
    return (this.#total ??= Resources.of({ name: this.resource, type: "SET", set: this.addresses, providerId }));
  }

  check(holder: string, part: Resources): string | undefined {
    for (const raw of part.set(this.resource)) {
      const address = canonicalAddress(raw);
      if (!this.#members.has(address)) return `ip pool "${this.name}": ${raw} is not in the pool (${this.#describe})`;
      const other = this.#holderOf.get(address);
      if (other !== undefined && other !== holder) return `ip pool "${this.name}": ${address} is held by ${other}`;
    }
    return undefined;
  }

  restore(holder: string, part: Resources): void {
    const mine = this.#held.get(holder) ?? [];
    for (const raw of part.set(this.resource)) {
      const address = canonicalAddress(raw);
      if (this.#holderOf.get(address) === holder) continue;
      this.#holderOf.set(address, holder);
      mine.push(address);
    }
    if (mine.length > 0) this.#held.set(holder, mine);
  }

  release(holder: string): number {
    const mine = this.#held.get(holder);
    if (mine === undefined) return 0;
    this.#held.delete(holder);
    for (const a of mine) if (this.#holderOf.get(a) === holder) this.#holderOf.delete(a);
    return mine.length;
  }

  holds(holder: string): boolean {
    return this.#held.has(holder);
  }

  /** Addresses of `holder` (e.g. for its launch info). */
  addressesOf(holder: string): readonly string[] {
    return this.#held.get(holder) ?? [];
  }

  free(): string[] {
    return this.addresses.filter((a) => !this.#holderOf.has(a));
  }

  offerable(free: Resources): Resources {
    if (this.perOffer === undefined) return free;
    // `free` is this pool's units only: one entry (no copy of a possibly large set).
    const entry = free.entries()[0]!;
    const n = Math.floor(this.perOffer);
    if (free.size !== 1 || entry.set!.length <= n) return free;
    return Resources.of({ ...entry, set: entry.set!.slice(0, n) });
  }

  status(): PoolStatus {
    return this.describe({
      total: this.addresses.length,
      used: this.#holderOf.size,
      blocks: this.#describe,
      holders: [...this.#held].map(([holder, addresses]) => ({ holder, amount: addresses.length, addresses })),
    });
  }
}

/** The pool's spelling of an address; text that does not parse is kept as given (and is then not a member). */
function canonicalAddress(raw: string): string {
  const a = parseAddress(raw);
  return typeof a === "string" ? raw : formatAddress(a);
}
