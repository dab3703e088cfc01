import type { OfferCandidate } from "@tessera/core";

export interface AttributeVetoOptions {
  /** Agent attribute to look at, e.g. "maintenance". */
  attribute: string;
  /** Veto when the attribute has this value; when absent, any value vetoes. */
  value?: string | number;
  /** Reason reported for the veto; defaults to one naming the attribute. */
  reason?: string;
}

/** The policy itself, free of hooks: decides whether an offer from an agent is vetoed. */
export class AttributeVeto {
  constructor(private readonly options: AttributeVetoOptions) {}

  /** A reason string vetoes the offer; undefined lets it through. */
  check(candidate: OfferCandidate): string | undefined {
    const { attribute, value, reason } = this.options;
    const actual = candidate.agent.attributes[attribute];
    if (actual === undefined) return undefined;
    // Agent attributes are text or scalars; operators write either in YAML ("true" vs true).
    if (value !== undefined && String(actual) !== String(value)) return undefined;
    return reason ?? `agent ${candidate.agent.hostname} has ${attribute}=${String(actual)}`;
  }
}
