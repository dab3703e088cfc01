import type { NetExec } from "./net-exec.js";

const TOOLS: Array<{ bin: string; args: string[]; pkg: string }> = [
  { bin: "ip", args: ["-V"], pkg: "iproute2" },
  { bin: "tc", args: ["-V"], pkg: "iproute2" },
  { bin: "nsenter", args: ["--version"], pkg: "util-linux" },
  { bin: "unshare", args: ["--version"], pkg: "util-linux" },
  { bin: "umount", args: ["--version"], pkg: "util-linux (mount)" },
];

/**
 * Refuses to start, with every reason at once, when the isolator could not do its job: it
 * creates namespaces, veths and tc filters, so it needs root and iproute2's ip and tc.
 */
export async function checkHostPrerequisites(exec: NetExec, uid: number | undefined = process.getuid?.()): Promise<void> {
  const problems: string[] = [];
  if (uid !== 0) problems.push(`needs root to create network namespaces, veths and tc filters, but runs as uid ${uid ?? "unknown"}`);
  const missing = await Promise.all(
    TOOLS.map(async (t) => {
      try {
        await exec.run(t.bin, t.args);
        return undefined;
      } catch (err) {
        return `\`${t.bin}\` is missing or broken (install ${t.pkg}): ${(err as Error).message.split("\n")[0]}`;
      }
    }),
  );
  problems.push(...missing.filter((m): m is string => m !== undefined));
  if (problems.length > 0) throw new Error(problems.join("; "));
}
