import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRecordStream, encodeRecord, frameRecord, RecordIODecoder, RecordIOError } from "./recordio.js";

const events = [
  { type: "SUBSCRIBED", subscribed: { framework_id: { value: "fw-1" }, heartbeat_interval_seconds: 15 } },
  { type: "HEARTBEAT" },
  { type: "ERROR", error: { message: "façade — 日本語 ✓ 🚀" } },
  { type: "MESSAGE", message: { data: "" } },
];

function splitEvery(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe("RecordIO", () => {
  it("prefixes each record with its UTF-8 byte length, not its character count", () => {
    const framed = encodeRecord({ m: "é🚀" });
    const json = JSON.stringify({ m: "é🚀" });
    expect(framed).toBe(`${Buffer.byteLength(json)}\n${json}`);
    expect(Buffer.byteLength(json)).toBeGreaterThan(json.length);
    expect(frameRecord("abc")).toBe("3\nabc");
    expect(encodeRecord("")).toBe('2\n""');
  });

  it("decodes several records delivered in one chunk", () => {
    const stream = events.map((e) => encodeRecord(e)).join("");
    const records = new RecordIODecoder().decode(Buffer.from(stream));
    expect(records.map((r) => JSON.parse(r))).toEqual(events);
  });

  it("round-trips records split at every possible chunk size, including inside prefixes and multibyte characters", () => {
    const bytes = Buffer.from(events.map((e) => encodeRecord(e)).join(""), "utf8");
    for (let size = 1; size <= bytes.length; size++) {
      const decoder = new RecordIODecoder();
      const got: unknown[] = [];
      for (const chunk of splitEvery(bytes, size)) {
        for (const r of decoder.decode(chunk)) got.push(JSON.parse(r));
      }
      decoder.end();
      expect(got, `chunk size ${size}`).toEqual(events);
    }
  });

  it("does not corrupt a split record when the caller reuses its chunk buffer", () => {
    const bytes = Buffer.from(encodeRecord({ value: "abcdefghij" }));
    const decoder = new RecordIODecoder();
    const scratch = Buffer.alloc(8);
    const got: string[] = [];
    for (let i = 0; i < bytes.length; i += 8) {
      const n = bytes.copy(scratch, 0, i, i + 8);
      got.push(...decoder.decode(scratch.subarray(0, n)));
      scratch.fill(0x21);
    }
    expect(got.map((r) => JSON.parse(r))).toEqual([{ value: "abcdefghij" }]);
  });

  it("decodes a zero-length record as an empty payload", () => {
    expect(new RecordIODecoder().decode("0\n2\n{}")).toEqual(["", "{}"]);
  });

  it("rejects a bad length prefix and stays failed", () => {
    const decoder = new RecordIODecoder();
    expect(() => decoder.decode("12x\n{}")).toThrow(/bad record length prefix "12x"/);
    expect(() => decoder.decode("2\n{}")).toThrow(RecordIOError);
  });

  it("rejects an empty prefix, an endless prefix and an oversized record", () => {
    expect(() => new RecordIODecoder().decode("\n{}")).toThrow(/empty record length prefix/);
    expect(() => new RecordIODecoder().decode("12345678901234567")).toThrow(/too long/);
    expect(() => new RecordIODecoder({ maxRecordBytes: 10 }).decode("11\n")).toThrow(/exceeds the limit of 10/);
  });

  it("reports a stream that ends in the middle of a record", () => {
    const inBody = new RecordIODecoder();
    inBody.decode("10\n{}");
    expect(() => inBody.end()).toThrow(/after 2 of 10 bytes/);
    const inPrefix = new RecordIODecoder();
    inPrefix.decode("1");
    expect(() => inPrefix.end()).toThrow(/inside a record length prefix/);
  });

  it("decodes an async chunk stream into JSON values", async () => {
    const bytes = Buffer.from(events.map((e) => encodeRecord(e)).join(""));
    async function* chunks() {
      yield* splitEvery(bytes, 7);
    }
    const got: unknown[] = [];
    for await (const v of decodeRecordStream(chunks())) got.push(v);
    expect(got).toEqual(events);
  });

  it("round-trips any JSON records under any chunking (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (values, cuts) => {
          const bytes = Buffer.from(values.map((v) => encodeRecord(v)).join(""), "utf8");
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const decoder = new RecordIODecoder();
          const got: unknown[] = [];
          let from = 0;
          for (const to of [...points, bytes.length]) {
            for (const r of decoder.decode(bytes.subarray(from, to))) got.push(JSON.parse(r));
            from = to;
          }
          decoder.end();
          expect(got).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
        },
      ),
      { numRuns: 200 },
    );
  });
});
