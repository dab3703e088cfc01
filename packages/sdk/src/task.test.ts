import { describe, expect, it } from "vitest";
import { pickResources, scalarOf } from "./resources.js";
import { packTasks, taskFromOffer, taskInfo } from "./task.js";
import type { Offer, Resource } from "./types.js";

const scalar = (name: string, value: number, extra: Partial<Resource> = {}): Resource => ({ name, type: "SCALAR", scalar: { value }, ...extra });
const ports = (...ranges: [number, number][]): Resource => ({
  name: "ports",
  type: "RANGES",
  ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) },
  allocation_info: { role: "web" },
});
const anOffer = (resources: Resource[]): Offer => ({
  id: { value: "o-1" },
  framework_id: { value: "fw" },
  agent_id: { value: "agent-1" },
  hostname: "h",
  resources,
});

describe("pickResources", () => {
  it("takes scalars across reservations and keeps each piece's role", () => {
    const offered = [scalar("cpus", 0.5, { reservations: [{ type: "STATIC", role: "web" }] }), scalar("cpus", 2), scalar("mem", 1024)];
    const got = pickResources(offered, { cpus: 1, mem: 100 })!;
    expect(got.picked).toEqual([
      scalar("cpus", 0.5, { reservations: [{ type: "STATIC", role: "web" }] }),
      scalar("cpus", 0.5),
      scalar("mem", 100),
    ]);
    expect(scalarOf(got.remaining, "cpus")).toBe(1.5);
    expect(scalarOf(got.remaining, "mem")).toBe(924);
    expect(offered[0]!.scalar!.value).toBe(0.5); // the offer itself is not modified
  });

  it("compares in fixed point so three 0.1-cpu tasks fit in 0.3 cpus", () => {
    const offer = anOffer([scalar("cpus", 0.3), scalar("mem", 96)]);
    const { tasks, rest } = packTasks(offer, [1, 2, 3].map((i) => ({ name: `t${i}`, cmd: "true", cpus: 0.1, mem: 32 })));
    expect(tasks).toHaveLength(3);
    expect(rest).toHaveLength(0);
  });

  it("returns undefined when the offer is too small", () => {
    expect(pickResources([scalar("cpus", 1), scalar("mem", 64)], { cpus: 1, mem: 65 })).toBeUndefined();
    expect(pickResources([scalar("cpus", 1)], { cpus: 0.5, ports: 1 })).toBeUndefined();
  });

  it("does not use revocable resources unless asked", () => {
    const offered = [scalar("cpus", 4, { revocable: {} })];
    expect(pickResources(offered, { cpus: 1 })).toBeUndefined();
    expect(pickResources(offered, { cpus: 1 }, { allowRevocable: true })!.picked[0]!.revocable).toEqual({});
  });

  it("takes a number of ports from the ranges and leaves the rest", () => {
    const got = pickResources([ports([31000, 31001], [31005, 31010])], { ports: 3 })!;
    expect(got.picked).toEqual([{ ...ports([31000, 31001], [31005, 31005]) }]);
    expect(got.remaining).toEqual([ports([31006, 31010])]);
  });

  it("takes exactly the ports asked for, or nothing", () => {
    const got = pickResources([ports([31000, 31010])], { ports: [31003, 31004, 31008] })!;
    expect(got.picked[0]!.ranges!.range).toEqual([{ begin: 31003, end: 31004 }, { begin: 31008, end: 31008 }]);
    expect(got.remaining[0]!.ranges!.range).toEqual([
      { begin: 31000, end: 31002 },
      { begin: 31005, end: 31007 },
      { begin: 31009, end: 31010 },
    ]);
    expect(pickResources([ports([31000, 31010])], { ports: [31011] })).toBeUndefined();
  });

  it("takes other scalars by name", () => {
    const got = pickResources([scalar("licenses", 2, { provider_id: { value: "lic" } })], { scalars: { licenses: 1 } })!;
    expect(got.picked).toEqual([scalar("licenses", 1, { provider_id: { value: "lic" } })]);
  });
});

describe("taskInfo", () => {
  it("runs a string through the shell and an array as argv", () => {
    const shell = taskInfo({ name: "a", cmd: "echo hi && sleep 1", cpus: 0.1, mem: 32 }, [], "agent-1");
    expect(shell.command).toEqual({ shell: true, value: "echo hi && sleep 1" });
    expect(shell.agent_id).toEqual({ value: "agent-1" });
    expect(shell.task_id.value).toMatch(/^a-[0-9a-f]{8}$/);
    const argv = taskInfo({ name: "b", id: "b-1", cmd: ["/bin/echo", "hi"] }, []);
    expect(argv.command).toEqual({ shell: false, value: "/bin/echo", arguments: ["/bin/echo", "hi"] });
    expect(argv.task_id).toEqual({ value: "b-1" });
  });

  it("adds a Docker container, environment and labels", () => {
    const t = taskInfo({ name: "d", cmd: "true", docker: "busybox:latest", env: { A: "1" }, labels: { team: "x" } }, []);
    expect(t.container).toEqual({ type: "DOCKER", docker: { image: "busybox:latest", network: "HOST" } });
    expect(t.command!.environment).toEqual({ variables: [{ name: "A", value: "1" }] });
    expect(t.labels).toEqual({ labels: [{ key: "team", value: "x" }] });
  });

  it("refuses an empty command, naming the task", () => {
    expect(() => taskInfo({ name: "x", cmd: "" }, [])).toThrow('task "x": cmd: must not be empty');
    expect(() => taskInfo({ name: "y", cmd: [] }, [])).toThrow('task "y": cmd: must not be empty');
  });
});

describe("packTasks", () => {
  it("packs what fits, keeps the rest for the next offer, and takes resources only once", () => {
    const offer = anOffer([scalar("cpus", 1), scalar("mem", 100), ports([31000, 31000])]);
    const { tasks, rest } = packTasks(offer, [
      { name: "big", cmd: "true", cpus: 2, mem: 10 },
      { name: "p1", cmd: "true", cpus: 0.5, mem: 50, ports: 1 },
      { name: "p2", cmd: "true", cpus: 0.5, mem: 50, ports: 1 },
      { name: "small", cmd: "true", cpus: 0.5, mem: 50 },
    ]);
    expect(tasks.map((t) => t.name)).toEqual(["p1", "small"]);
    expect(rest.map((s) => s.name)).toEqual(["big", "p2"]);
    expect(tasks.every((t) => t.agent_id.value === "agent-1")).toBe(true);
    expect(taskFromOffer(offer, { name: "huge", cmd: "true", mem: 101 })).toBeUndefined();
  });
});
