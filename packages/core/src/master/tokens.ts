/** tsyringe injection tokens of the master (esbuild emits no decorator metadata: inject by token). */
export const TOKENS = Object.freeze({
  MasterConfig: Symbol("MasterConfig"),
  Allocator: Symbol("Allocator"),
  MasterRegistry: Symbol("MasterRegistry"),
  MasterHooks: Symbol("MasterHooks"),
  Logger: Symbol("Logger"),
  Clock: Symbol("Clock"),
  LeaderElection: Symbol("LeaderElection"),
  ModuleList: Symbol("ModuleList"),
  Master: Symbol("Master"),
});
