// @tessera/isolator-portmap: port-mapping network isolation (one shared host IP, per-container
// network namespaces, tc filters by port). The default export is the module.
export { default, MODULE_NAME, optionsJsonSchema } from "./module.js";
export { PortMapper, LABEL_EPHEMERAL_PORTS, LABEL_NETNS, NETWORK_NAME, type PortMapperDeps, type PortmapLog } from "./port-mapper.js";
export { PortmapOptions, egressRateFor, type PortmapOptionsInput } from "./options.js";
export { EphemeralPortAllocator } from "./ephemeral-port-allocator.js";
export {
  TcFilterManager,
  ARP_PRIO_BASE,
  IP_PRIO_BASE,
  MAX_SLOTS,
  containerLines,
  cookieOf,
  egressLines,
  sharedLines,
  slotOfCookie,
  vethLines,
  type ContainerFilterSpec,
  type EgressLimit,
} from "./tc-filter-manager.js";
export { NetnsManager } from "./netns-manager.js";
export { NetExec, NetCommandError, type Netns, type RunOptions } from "./net-exec.js";
export { discoverHostNetwork, prepareHost, type HostNetwork } from "./host-network.js";
export { CheckpointStore, ContainerNetworkRecord } from "./checkpoint-store.js";
export { alignedBlocks, blockRange, parsePortRanges, type PortMask } from "./port-ranges.js";
export { parseRate, parseSize } from "./units.js";
export { parseSnmp, parseSockstat, snmpStatistics } from "./snmp.js";
export { checkHostPrerequisites } from "./prerequisites.js";
