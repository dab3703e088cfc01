import type { AttributeJson } from "../api/agent-protocol/common.js";

/**
 * Parses the Mesos `--attributes` text ("rack:a;zone:z1;rank:3;slots:[1-4];tags:{x,y}") into
 * Mesos Attribute JSON. Hand-written: Mesos's format is small and no library speaks it.
 * A number is SCALAR, `[a-b,...]` RANGES, `{x,...}` SET, anything else TEXT.
 * @throws Error naming the attribute, e.g. `--attributes[1] "zone": expected name:value`
 */
export function parseAttributes(text: string): AttributeJson[] {
  const out: AttributeJson[] = [];
  const parts = text.split(";").map((p) => p.trim()).filter((p) => p !== "");
  parts.forEach((part, i) => {
    const colon = part.indexOf(":");
    const where = `--attributes[${i}] "${part}"`;
    if (colon <= 0) throw new Error(`${where}: expected name:value`);
    const name = part.slice(0, colon).trim();
    const value = part.slice(colon + 1).trim();
    if (value === "") throw new Error(`${where}: value is empty`);
    out.push({ name, ...parseValue(value, where) });
  });
  return out;
}

function parseValue(value: string, where: string): { type: string; [k: string]: unknown } {
  if (/^-?\d+(\.\d+)?$/.test(value)) return { type: "SCALAR", scalar: { value: Number(value) } };
  if (value.startsWith("[") && value.endsWith("]")) {
    const range = value
      .slice(1, -1)
      .split(",")
      .map((r) => {
        const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(r);
        if (!m) throw new Error(`${where}: range "${r.trim()}" is not begin-end`);
        const [begin, end] = [Number(m[1]), Number(m[2])];
        if (begin > end) throw new Error(`${where}: range [${begin}-${end}] is empty`);
        return { begin, end };
      });
    return { type: "RANGES", ranges: { range } };
  }
  if (value.startsWith("{") && value.endsWith("}")) {
    const item = value.slice(1, -1).split(",").map((s) => s.trim()).filter((s) => s !== "");
    return { type: "SET", set: { item } };
  }
  return { type: "TEXT", text: { value } };
}
