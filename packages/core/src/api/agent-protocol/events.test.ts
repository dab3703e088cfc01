import { describe, expect, it } from "vitest";
import { parseAgentEvent } from "./events.js";

describe("parseAgentEvent", () => {
  it("parses RUN_TASK and keeps TaskInfo fields it does not check", () => {
    const ev = parseAgentEvent({
      type: "RUN_TASK",
      run_task: {
        framework_id: { value: "f" },
        framework_info: { user: "u", name: "n" },
        task: { name: "t", task_id: { value: "t1" }, agent_id: { value: "a" }, command: { value: "true" }, labels: { labels: [] } },
      },
    });
    if (ev.type !== "RUN_TASK") throw new Error("wrong type");
    expect(ev.run_task.task.labels).toEqual({ labels: [] });
  });

  it("names the field of a bad event", () => {
    expect(() => parseAgentEvent({ type: "KILL_TASK", kill_task: { framework_id: { value: "f" } } })).toThrow(/^kill_task\.task_id: /);
  });
});
