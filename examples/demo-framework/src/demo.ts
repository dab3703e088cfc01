import type { Writable } from "node:stream";
import { isTerminal, packTasks, SchedulerClient, type Offer, type TaskInfo, type TaskSpec, type TaskStatus } from "@tessera/sdk";

/** Six short shell tasks, small enough (0.1 cpu, 32 MB) to share any laptop. */
export const DEMO_TASKS: TaskSpec[] = [
  { name: "hello", cmd: "echo hello from $(hostname)", cpus: 0.1, mem: 32 },
  { name: "nap", cmd: "sleep 1", cpus: 0.1, mem: 32 },
  { name: "date", cmd: "date -u", cpus: 0.1, mem: 32 },
  { name: "count", cmd: "for i in 1 2 3; do echo $i; sleep 0.2; done", cpus: 0.1, mem: 32 },
  { name: "env", cmd: 'echo "sandbox $PWD"', cpus: 0.1, mem: 32 },
  { name: "nap-again", cmd: "sleep 1 && echo rested", cpus: 0.1, mem: 32 },
];

export interface DemoOptions {
  master: string;
  /** Where the demo narrates (default stdout). */
  out?: Writable;
  tasks?: TaskSpec[];
  /** Idle offers are refused for this long once the work is done (default one hour). */
  idleRefuseSeconds?: number;
}

export interface DemoResult {
  /** Final status of each task, by task id. */
  final: Map<string, TaskStatus>;
  /** Tasks that ended in another state than TASK_FINISHED. */
  failed: TaskStatus[];
}

export interface DemoHandle {
  client: SchedulerClient;
  /** Resolves when every task has ended (then the demo idles, declining offers). */
  done: Promise<DemoResult>;
  /** Tears the framework down. */
  stop(): Promise<void>;
}

/**
 * A minimal framework: launches the tasks across the agents offered (one task per offer per round,
 * so they spread out), prints every state change, and idles once all have ended.
 */
export function runDemo(opts: DemoOptions): DemoHandle {
  const out = opts.out ?? process.stdout;
  const say = (line: string): void => void out.write(`[demo] ${line}\n`);
  const pending = [...(opts.tasks ?? DEMO_TASKS)];
  const total = pending.length;
  const launched = new Map<string, { task: TaskInfo; host: string }>();
  const final = new Map<string, TaskStatus>();
  const idleRefuse = opts.idleRefuseSeconds ?? 3600;
  const client = new SchedulerClient({ master: opts.master, framework: { user: "", name: "tessera-demo", failover_timeout: 300 } });

  let finish: (r: DemoResult) => void;
  let fail: (e: Error) => void;
  const done = new Promise<DemoResult>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  done.catch(() => {}); // a caller that never awaits `done` should not crash the process

  client.on("subscribed", (s) => say(`subscribed as framework ${s.framework_id.value}`));
  client.on("offers", (offers) => void onOffers(offers).catch((err: Error) => say(`offer handling failed: ${err.message}`)));
  client.on("update", (status) => {
    const entry = launched.get(status.task_id.value);
    if (!entry) return;
    say(`${entry.task.name.padEnd(10)} ${status.state.padEnd(14)} on ${entry.host}${status.message ? ` (${status.message})` : ""}`);
    if (!isTerminal(status.state)) return;
    final.set(status.task_id.value, status);
    if (final.size === total) {
      const failed = [...final.values()].filter((s) => s.state !== "TASK_FINISHED");
      say(failed.length === 0 ? `all ${total} tasks finished; idling (Ctrl-C to stop)` : `${total - failed.length} of ${total} tasks finished, ${failed.length} did not`);
      client.suppress().catch(() => {});
      finish({ final, failed });
    }
  });
  client.on("error", (message) => fail(new Error(`the master removed the demo framework: ${message}`)));
  client.on("disconnected", (reason) => say(`lost the master (${reason.message}); reconnecting`));

  async function onOffers(offers: Offer[]): Promise<void> {
    const unused: Offer[] = [];
    // Share the remaining work evenly among this round's offers, so tasks spread across agents.
    const share = Math.ceil(pending.length / Math.max(1, offers.length));
    for (const offer of offers) {
      const { tasks, rest } = packTasks(offer, pending.slice(0, share));
      if (tasks.length === 0) {
        unused.push(offer);
        continue;
      }
      pending.splice(0, share, ...rest);
      for (const task of tasks) {
        launched.set(task.task_id.value, { task, host: agentLabel(offer) });
        say(`${task.name.padEnd(10)} launching      on ${agentLabel(offer)} (agent ${offer.agent_id.value}): ${task.command?.value}`);
      }
      await client.launch(offer, tasks, { refuse_seconds: 1 });
    }
    // While work remains, a refused offer comes back soon; once all is launched, keep them away.
    if (unused.length) await client.decline(unused.map((o) => o.id), { refuse_seconds: pending.length ? 1 : idleRefuse });
  }

  client.subscribe().catch((err: Error) => fail(new Error(`cannot subscribe to ${opts.master}: ${err.message}`)));

  return {
    client,
    done,
    async stop() {
      if (client.closed) return;
      await client.teardown().catch(() => client.close());
    },
  };
}

/** host:port of the offer's agent (agents of a laptop cluster share one host name). */
function agentLabel(offer: Offer): string {
  const a = offer.url?.address;
  return a ? `${a.hostname ?? a.ip ?? offer.hostname}:${a.port}` : offer.hostname;
}
