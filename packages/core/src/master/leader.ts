/**
 * Who leads the cluster. The HTTP layer answers 307 with the leader's URL when this master is
 * not leading. A HA registry (e.g. etcd) implements this; the default always leads.
 */
export interface LeaderElection {
  isLeader(): boolean;
  /** Base URL of the current leader (e.g. `http://10.0.0.2:5050`), if known. */
  leaderUrl(): string | undefined;
  /** Called when leadership is gained or lost; returns an unsubscribe function. */
  onChange?(listener: (leading: boolean) => void): () => void;
}

/** A single master always leads. */
export class AlwaysLeader implements LeaderElection {
  constructor(private readonly url: () => string | undefined = () => undefined) {}
  isLeader(): boolean {
    return true;
  }
  leaderUrl(): string | undefined {
    return this.url();
  }
}
