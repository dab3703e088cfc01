import type { AttributeJson } from "../api/agent-protocol/common.js";

interface AttrValue {
  scalar?: { value: number };
  text?: { value: string };
  ranges?: { range?: Array<{ begin: number; end: number }> };
  set?: { item?: string[] };
}

/** Agent attributes as Mesos's state.json shows them: name → number or text. */
export function attributesRecord(attributes: readonly AttributeJson[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const a of attributes) {
    const v = a as AttributeJson & AttrValue;
    if (v.scalar !== undefined) out[a.name] = v.scalar.value;
    else if (v.text !== undefined) out[a.name] = v.text.value;
    else if (v.ranges !== undefined) out[a.name] = `[${(v.ranges.range ?? []).map((r) => `${r.begin}-${r.end}`).join(", ")}]`;
    else if (v.set !== undefined) out[a.name] = `{${(v.set.item ?? []).join(", ")}}`;
  }
  return out;
}
