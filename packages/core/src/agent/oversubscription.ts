import type { Logger } from "pino";
import type { AgentHooks, OversubscriptionContext, QoSCorrection } from "../hooks/index.js";
import { Resources } from "../resources/index.js";
import type { Agent } from "./agent.js";
import { refOf } from "./tasks/task-record.js";

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Runs the oversubscription hooks once per interval, as Mesos's resource estimator and QoS
 * controller: `estimate` says which idle resources could be offered as revocable, and
 * `qosCorrections` may take containers running on revocable resources away (kill or evict).
 * Does nothing while no module taps either hook.
 */
export class OversubscriptionLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** The latest estimate of revocable resources. */
  estimate: Resources = Resources.empty();

  constructor(
    private readonly agent: Agent,
    private readonly hooks: AgentHooks["oversubscription"],
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return; // a slow tap must not pile ticks up
      this.running = this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round: estimate, then carry out the QoS corrections. */
  async tick(): Promise<void> {
    const { estimate, qosCorrections } = this.hooks;
    if (!estimate.isUsed() && !qosCorrections.isUsed()) return;
    const agentId = this.agent.agentId();
    if (!agentId) return;
    const context = await this.context(agentId);
    if (estimate.isUsed()) {
      try {
        const estimated = await estimate.promise(Resources.empty(), context);
        // As Mesos: oversubscribable resources must be flagged revocable; anything else is dropped.
        if (!estimated.nonRevocable().isEmpty()) {
          this.log.warn({ dropped: estimated.nonRevocable().toString() }, "resource estimator returned non-revocable resources; ignoring them");
        }
        this.estimate = estimated.revocable();
      } catch (err) {
        this.log.warn({ err: errText(err) }, "resource estimator failed");
      }
    }
    if (!qosCorrections.isUsed()) return;
    let corrections: QoSCorrection[] = [];
    try {
      corrections = await qosCorrections.promise([], context);
    } catch (err) {
      this.log.warn({ err: errText(err) }, "QoS controller failed");
    }
    for (const c of corrections) await this.correct(c);
  }

  private async context(agentId: string): Promise<OversubscriptionContext> {
    const usage = new Map((await this.agent.usage()).map((u) => [u.rec.containerId, u.statistics]));
    const live = this.agent.tasks.all().filter((r) => r.launched && !r.terminated);
    return {
      agentId,
      total: this.agent.config.resources,
      allocated: live.reduce((sum, r) => sum.plus(r.resources), Resources.empty()),
      containers: live.map((r) => ({
        container: refOf(r, agentId),
        revocable: !r.resources.revocable().isEmpty(),
        usage: usage.get(r.containerId) ?? {},
      })),
    };
  }

  private async correct(c: QoSCorrection): Promise<void> {
    const rec = this.agent.tasks.byContainer(c.container.containerId);
    if (!rec || rec.terminated) return;
    if (rec.resources.revocable().isEmpty()) {
      this.log.warn({ taskId: rec.task.task_id.value, reason: c.reason }, "ignoring QoS correction for a task on non-revocable resources");
      return;
    }
    this.log.info({ taskId: rec.task.task_id.value, action: c.action, reason: c.reason }, "QoS correction");
    await this.agent.killForQoS(rec, c.action, c.reason);
  }
}
