// tapable has no untap, but an all-or-nothing module load must take back every tap a
// refused load made; so hooks handed to modules are views that record each tap they insert.

/** What a module may do with a hook: tap it, not call it. */
export type TapView<H> = Pick<H, Extract<keyof H, "tap" | "tapAsync" | "tapPromise" | "isUsed" | "name">>;
/** A hook group as a module sees it. */
export type TapViewGroup<G> = { readonly [K in keyof G]: TapView<G[K]> };

/** The slice of a tapable Hook the recorder relies on (`taps` is public in tapable 2). */
interface RecordableHook {
  name?: string;
  taps: object[];
  isUsed(): boolean;
  tap(options: unknown, fn: unknown): void;
  tapAsync?(options: unknown, fn: unknown): void;
  tapPromise?(options: unknown, fn: unknown): void;
}

interface TapRecord {
  group: string;
  hookName: string;
  hook: RecordableHook;
  tap: object;
}

export class TapRecorder {
  readonly #records: TapRecord[] = [];

  /** A frozen view of `hooks` (one group) whose taps are recorded under `group`. */
  view<G extends object>(group: string, hooks: G): TapViewGroup<G> {
    const out: Record<string, unknown> = {};
    for (const [hookName, hook] of Object.entries(hooks as Record<string, RecordableHook>)) {
      out[hookName] = this.#hookView(group, hookName, hook);
    }
    return Object.freeze(out) as TapViewGroup<G>;
  }

  #hookView(group: string, hookName: string, hook: RecordableHook): object {
    const recordInto = (method: "tap" | "tapAsync" | "tapPromise") => (options: unknown, fn: unknown) => {
      const before = new Set(hook.taps);
      const tapFn = hook[method];
      if (typeof tapFn !== "function") throw new TypeError(`hook ${group}.${hookName} has no ${method}`);
      tapFn.call(hook, options, fn);
      // The inserted tap object is the one not there before (stage/before may place it anywhere).
      for (const tap of hook.taps) if (!before.has(tap)) this.#records.push({ group, hookName, hook, tap });
    };
    return Object.freeze({
      name: hook.name,
      isUsed: () => hook.isUsed(),
      tap: recordInto("tap"),
      tapAsync: recordInto("tapAsync"),
      tapPromise: recordInto("tapPromise"),
    });
  }

  /** Groups in which at least one tap was made. */
  tappedGroups(): Set<string> {
    return new Set(this.#records.map((r) => r.group));
  }

  get size(): number {
    return this.#records.length;
  }

  /** Removes every recorded tap from its hook, newest first. */
  untapAll(): void {
    for (const record of this.#records.splice(0).reverse()) {
      const i = record.hook.taps.indexOf(record.tap);
      if (i >= 0) record.hook.taps.splice(i, 1);
      // tapable caches a compiled call function per hook; this (internal) reset is what tap() itself uses.
      const reset = (record.hook as unknown as { _resetCompilation?: () => void })._resetCompilation;
      if (typeof reset !== "function") throw new Error(`cannot untap ${record.group}.${record.hookName}: tapable changed its internals`);
      reset.call(record.hook);
    }
  }
}
