// A task's health check loop with Mesos's semantics (src/checks/health_checker.cpp): wait
// `delay_seconds`, probe every `interval_seconds` with `timeout_seconds`; failures inside
// `grace_period_seconds` do not count until the first success; health changes are reported;
// `consecutive_failures` failures in a row ask for the task to be killed.
import type * as m from "../../api/mesos/index.js";
import type { Probe } from "./probes.js";

export interface HealthPolicy {
  delayMs: number;
  intervalMs: number;
  timeoutMs: number;
  consecutiveFailures: number;
  gracePeriodMs: number;
}

/** Mesos defaults: delay 15 s, interval 10 s, timeout 20 s, 3 failures, grace 10 s. */
export function healthPolicy(check: m.HealthCheck): HealthPolicy {
  const s = (v: number | undefined, d: number) => Math.max(0, v ?? d) * 1000;
  return {
    delayMs: s(check.delay_seconds, 15),
    intervalMs: s(check.interval_seconds, 10),
    timeoutMs: s(check.timeout_seconds, 20),
    consecutiveFailures: Math.max(1, check.consecutive_failures ?? 3),
    gracePeriodMs: s(check.grace_period_seconds, 10),
  };
}

export interface HealthEvents {
  /** The task's health changed (or was first known): send TASK_RUNNING with `healthy`. */
  onHealthChanged(healthy: boolean, message: string): void;
  /** `consecutive_failures` reached: kill the task. Called once; the checker stops. */
  onUnhealthy(message: string): void;
}

export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private stopped = false;
  private healthy: boolean | undefined;
  private failures = 0;
  private everHealthy = false;
  private readonly startedAt: number;

  constructor(
    private readonly policy: HealthPolicy,
    private readonly probe: Probe,
    private readonly events: HealthEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Consecutive failures counted so far (failures inside the grace period are not). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  start(): void {
    this.schedule(this.policy.delayMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check(), ms);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    const timeout = setTimeout(() => abort.abort(), this.policy.timeoutMs);
    let error: string | undefined;
    try {
      await this.probe(abort.signal);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      if (abort.signal.aborted && !this.stopped) error = `health check timed out after ${this.policy.timeoutMs / 1000} s (${error})`;
    } finally {
      clearTimeout(timeout);
    }
    if (this.stopped) return;
    if (error === undefined) this.succeeded();
    else if (!this.failed(error)) return;
    this.schedule(this.policy.intervalMs);
  }

  private succeeded(): void {
    this.everHealthy = true;
    this.failures = 0;
    if (this.healthy !== true) {
      this.healthy = true;
      this.events.onHealthChanged(true, "health check passed");
    }
  }

  /** Returns false once the task is to be killed (no more checks). */
  private failed(error: string): boolean {
    // Mesos: a task still starting up may fail its checks during the grace period.
    if (!this.everHealthy && this.now() - this.startedAt < this.policy.gracePeriodMs) return true;
    this.failures++;
    if (this.healthy !== false) {
      this.healthy = false;
      this.events.onHealthChanged(false, `health check failed: ${error}`);
    }
    if (this.failures >= this.policy.consecutiveFailures) {
      this.stopped = true;
      this.events.onUnhealthy(`task failed ${this.failures} consecutive health checks; last: ${error}`);
      return false;
    }
    return true;
  }
}
