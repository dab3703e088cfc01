import { Resources } from "@tessera/core";
import { describe, expect, it } from "vitest";
import { parseCidr, type Cidr } from "./cidr.js";
import { IpPool } from "./ip-pool.js";
import { withIpAddresses } from "./launch-info.js";

const pools = [
  new IpPool({ name: "public", resource: "ips.public", cidrs: [parseCidr("10.0.0.0/30") as Cidr] }),
  new IpPool({ name: "svc-v6", resource: "ips.svc-v6", cidrs: [parseCidr("fd00::/126") as Cidr] }),
];

describe("IP addresses in the task's launch info", () => {
  it("become labels for isolation hooks and environment variables of the command", () => {
    const resources = Resources.of(
      { name: "ips.public", type: "SET", set: ["10.0.0.2", "10.0.0.1"], providerId: "ip-addresses" },
      { name: "ips.svc-v6", type: "SET", set: ["fd00::1"], providerId: "ip-addresses" },
    );
    const task = withIpAddresses(
      { task_id: { value: "t" }, command: { value: "env", environment: { variables: [{ name: "KEEP", value: "1" }, { name: "TESSERA_IP_ADDRESSES", value: "spoofed" }] } }, labels: { labels: [{ key: "app", value: "web" }] } },
      resources,
      pools,
    );
    expect(task.command!.environment!.variables).toEqual([
      { name: "KEEP", value: "1" },
      { name: "TESSERA_IP_ADDRESSES", value: "10.0.0.1,10.0.0.2,fd00::1" },
      { name: "TESSERA_IP_ADDRESSES_PUBLIC", value: "10.0.0.1,10.0.0.2" },
      { name: "TESSERA_IP_ADDRESSES_SVC_V6", value: "fd00::1" },
    ]);
    expect(task.labels).toEqual({
      labels: [
        { key: "app", value: "web" },
        { key: "org.tessera.ip_addresses", value: "10.0.0.1,10.0.0.2,fd00::1" },
        { key: "org.tessera.ip_addresses.public", value: "10.0.0.1,10.0.0.2" },
        { key: "org.tessera.ip_addresses.svc-v6", value: "fd00::1" },
      ],
    });
  });

  it("leaves a task without addresses as it is", () => {
    const task = { task_id: { value: "t" } };
    expect(withIpAddresses(task, Resources.of({ name: "matlab", scalar: 1, providerId: "licenses" }), pools)).toBe(task);
  });
});
