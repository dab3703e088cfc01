// Task health checks (command, HTTP, TCP) as Mesos runs them.
export { HealthChecker, healthPolicy, type HealthPolicy, type HealthEvents } from "./health-checker.js";
export { probeFor, HealthCheckError, type Probe, type ProbeTarget } from "./probes.js";
