import { createRequire } from "node:module";

/** Where the launcher finds @tessera/spawn-native's addon, or why it cannot (then it fork()s tasks). */
export type SpawnAddon = { path: string } | { path?: undefined; why: string };

const require = createRequire(import.meta.url);

/**
 * Finds the posix_spawn addon of the optional dependency @tessera/spawn-native by its package
 * export (no import: the launcher, another process, loads it by path).
 */
export function findSpawnAddon(): SpawnAddon {
  try {
    return { path: require.resolve("@tessera/spawn-native/addon") };
  } catch {
    try {
      require.resolve("@tessera/spawn-native/package.json");
    } catch {
      return { why: "@tessera/spawn-native is not installed" };
    }
    return { why: "@tessera/spawn-native is not built (npm rebuild @tessera/spawn-native; it needs python3, make and a C compiler)" };
  }
}
