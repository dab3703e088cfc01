import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "@tessera/core";

const range = z.tuple([z.number().int().min(0).max(65535), z.number().int().min(0).max(65535)]).readonly();

/** What the isolator checkpoints per container, to rebuild its state after an agent restart. */
export const ContainerNetworkRecord = z.object({
  version: z.literal(1),
  containerId: z.string().min(1),
  slot: z.number().int().min(0),
  veth: z.string().min(1),
  netns: z.string().min(1),
  netnsPath: z.string().min(1),
  /** The task's ports. */
  ports: z.array(range),
  ephemeral: range,
  /** Egress limit in bits per second, when one applies. */
  egressRate: z.number().positive().optional(),
  pid: z.number().int().positive().optional(),
});
export type ContainerNetworkRecord = z.infer<typeof ContainerNetworkRecord>;

/** One JSON file per container in a directory; writes are atomic (rename). */
export class CheckpointStore {
  constructor(readonly dir: string) {}

  private fileOf(containerId: string): string {
    return join(this.dir, `${encodeURIComponent(containerId)}.json`);
  }

  async write(record: ContainerNetworkRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(record.containerId);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(record)}\n`);
    await rename(tmp, file);
  }

  async remove(containerId: string): Promise<void> {
    await rm(this.fileOf(containerId), { force: true });
  }

  /** Every readable record, plus the files that are not (named, so recovery can report and drop them). */
  async readAll(): Promise<{ records: ContainerNetworkRecord[]; unreadable: Array<{ file: string; problem: string }> }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { records: [], unreadable: [] };
      throw err;
    }
    const records: ContainerNetworkRecord[] = [];
    const unreadable: Array<{ file: string; problem: string }> = [];
    for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
      const file = join(this.dir, name);
      try {
        const parsed = ContainerNetworkRecord.safeParse(JSON.parse(await readFile(file, "utf8")));
        if (parsed.success) records.push(parsed.data);
        else unreadable.push({ file, problem: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
      } catch (err) {
        unreadable.push({ file, problem: (err as Error).message });
      }
    }
    return { records, unreadable };
  }

  async removeFile(file: string): Promise<void> {
    await rm(file, { force: true });
  }
}
