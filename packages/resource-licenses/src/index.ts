// @tessera/resource-licenses: cluster-wide resources (license seats, IP addresses, external
// bandwidth) offered by a master module. The default export is the module.
export { default, MODULE_NAME, optionsJsonSchema } from "./module.js";
export { LicenseModuleOptions, MAX_POOL_ADDRESSES, type LicenseModuleOptionsInput } from "./options.js";
export { LicensePool } from "./license-pool.js";
export { IpPool, type IpPoolSpec } from "./ip-pool.js";
export { BandwidthPool } from "./bandwidth-pool.js";
export { BasePool, type PoolSpec } from "./base-pool.js";
export { ScalarPool, type ScalarPoolSpec } from "./scalar-pool.js";
export { visibleTo, type Pool, type PoolKind, type PoolStatus } from "./pool.js";
export { StaticSource, type LicenseCountSource } from "./license-source.js";
export { HttpLicenseServerSource, LicenseServerAnswer, type HttpLicenseServerOptions, type LicenseServerCount } from "./http-license-source.js";
export { HoldingsStore, type Holding, type StoredCount } from "./holdings-store.js";
export { PoolProvider, PROVIDER_IDS, PROVIDER_KINDS, holderOf, type ReconcileSummary } from "./pool-provider.js";
export { OfferShaper } from "./offer-shaper.js";
export { withIpAddresses, IP_ADDRESSES_ENV, IP_ADDRESSES_LABEL } from "./launch-info.js";
export { buildProviders, type BuiltProviders } from "./build-providers.js";
export { parseCidr, parseAddress, formatAddress, formatCidr, cidrsOverlap, type Cidr, type Address } from "./cidr.js";
