import { userInfo } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { isTerminal, OperatorClient, SchedulerClient, scalarOf, taskFromOffer, type Offer, type TaskSpec, type TaskStatus } from "@tessera/sdk";
import { CommandError, explain, UsageError, type Io } from "../context.js";
import { parsePositive } from "../options.js";
import { Progress } from "../progress.js";
import { agentUrlOf, FileTail, findSandbox } from "../sandbox.js";
import { exitCodeOf } from "../exit-code.js";
import { shellJoin } from "../shell.js";

interface RunOptions {
  cpus: number;
  mem: number;
  dockerImage?: string;
  name: string;
}

export function registerRunCommand(program: Command, io: Io, master: () => string): void {
  program
    .command("run")
    .description("run one command as a task (like mesos-execute): stream its state and output, exit with its exit code")
    .argument("<command...>", "the command; one argument runs through sh -c as is, several are shell-quoted and joined")
    .option("--cpus <n>", "cpus for the task", parsePositive, 0.1)
    .option("--mem <mb>", "memory for the task, in MB", parsePositive, 32)
    .option("--docker-image <image>", "run the command in this Docker image")
    .option("--name <name>", "task name", "tessera-run")
    .passThroughOptions()
    .action(async (command: string[], opts: RunOptions) => {
      const code = await runTask(io, master(), { ...opts, cmd: command.length === 1 ? command[0]! : shellJoin(command) });
      if (code !== 0) throw new CommandError("", code);
    });
}

/** Subscribes as a one-off framework, launches one task on the first offer that fits, follows it to the end. */
export async function runTask(io: Io, master: string, opts: RunOptions & { cmd: string }): Promise<number> {
  if (!opts.cmd.trim()) throw new UsageError("run: the command is empty");
  const progress = new Progress(io.stderr);
  const spec: TaskSpec = { name: opts.name, cmd: opts.cmd, cpus: opts.cpus, mem: opts.mem, ...(opts.dockerImage && { docker: opts.dockerImage }) };
  const client = new SchedulerClient({
    master,
    framework: { user: userInfo().username, name: "tessera-run", failover_timeout: 0 },
    reconnect: { maxAttempts: 10 },
  });
  let taskId: string | undefined;
  let tailing: Promise<void> | undefined;
  let stopTail = false;
  let biggest = { cpus: 0, mem: 0 };
  let interrupted = false;

  const finished = new Promise<TaskStatus>((resolve, reject) => {
    client.on("offers", (offers) => void onOffers(offers).catch(reject));
    client.on("update", (status) => {
      if (status.task_id.value !== taskId) return;
      progress.log(`${status.state.padEnd(13)} ${taskId}${status.message ? `: ${status.message}` : ""}`);
      if (!tailing && status.state !== "TASK_STAGING" && status.agent_id) tailing = tail(status.agent_id.value);
      if (isTerminal(status.state)) resolve(status);
      else progress.update(`${status.state.replace(/^TASK_/, "").toLowerCase()}: ${opts.cmd}`);
    });
    client.on("error", (message) => reject(new CommandError(`the master ended the framework: ${message}`)));
    client.on("closed", (reason) =>
      reject(interrupted ? new CommandError("interrupted before the task was launched", 130) : new CommandError(`lost the master: ${reason?.message ?? "stream closed"}`)),
    );
  });

  finished.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
  const offerAgents = new Map<string, string>();
  async function onOffers(offers: Offer[]): Promise<void> {
    for (const offer of offers) {
      const url = agentUrlOf(offer);
      if (url) offerAgents.set(offer.agent_id.value, url);
    }
    const unused = [...offers];
    if (taskId === undefined) {
      const i = offers.findIndex((o) => taskFromOffer(o, spec) !== undefined);
      if (i >= 0) {
        const offer = offers[i]!;
        const task = taskFromOffer(offer, spec)!;
        taskId = task.task_id.value;
        unused.splice(i, 1);
        progress.update(`launching ${taskId} on ${offer.hostname}`);
        await client.launch(offer, [task]);
        await client.suppress();
      } else {
        for (const o of offers) biggest = { cpus: Math.max(biggest.cpus, scalarOf(o, "cpus")), mem: Math.max(biggest.mem, scalarOf(o, "mem")) };
        progress.update(`waiting for an offer with cpus ${opts.cpus}, mem ${opts.mem} (largest so far: cpus ${biggest.cpus}, mem ${biggest.mem})`);
      }
    }
    // Once launched, hold nothing back from other frameworks for a long while.
    if (unused.length) await client.decline(unused.map((o) => o.id), { refuse_seconds: taskId ? 3600 : 1 });
  }

  async function tail(agentId: string): Promise<void> {
    const url = offerAgents.get(agentId) ?? (await agentUrlFromMaster(master, agentId));
    if (!url) return progress.log(`(no address for agent ${agentId}: output will not be shown)`);
    const agent = new OperatorClient(url);
    try {
      let dir: string | undefined;
      while (!dir && !stopTail) {
        dir = await findSandbox(agent, client.frameworkId!, taskId!);
        if (!dir) await sleep(100);
      }
      if (!dir) return;
      const tails = [new FileTail(agent, `${dir}/stdout`, io.stdout), new FileTail(agent, `${dir}/stderr`, io.stderr)];
      for (;;) {
        const last = stopTail;
        for (const t of tails) await t.poll();
        if (last) return;
        await sleep(200);
      }
    } catch (err) {
      progress.log(`(cannot read the task's output from ${url}: ${(err as Error).message})`);
    }
  }

  const off = io.onStop(() => {
    if (!taskId) {
      interrupted = true;
      client.close();
      return;
    }
    progress.update(`killing ${taskId}`);
    client.kill(taskId).catch(() => {});
  });
  try {
    progress.update(`subscribing to ${master}`);
    await client.subscribe().catch((err: Error) => {
      throw interrupted ? new CommandError("interrupted", 130) : new CommandError(`cannot subscribe to ${master}: ${explain(err)}`);
    });
    if (taskId === undefined) progress.update(`waiting for an offer with cpus ${opts.cpus}, mem ${opts.mem}`);
    const status = await finished;
    stopTail = true;
    await tailing;
    progress.done();
    return exitCodeOf(status);
  } finally {
    off();
    progress.done();
    await client.teardown().catch(() => client.close());
  }
}

async function agentUrlFromMaster(master: string, agentId: string): Promise<string | undefined> {
  const state = await new OperatorClient(master).getJson<{ slaves?: { id: string; pid?: string; hostname?: string; port?: number }[] }>("/master/state");
  const a = state.slaves?.find((s) => s.id === agentId);
  if (!a) return undefined;
  const at = a.pid?.split("@")[1];
  return at ? `http://${at}` : a.hostname && a.port ? `http://${a.hostname}:${a.port}` : undefined;
}
