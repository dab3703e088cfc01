// RecordIO framing of the Mesos v1 streaming APIs: each record is `<byte length>\n<payload>`.
// Hand-written: the format is tiny and Mesos-specific; no maintained npm package implements it.

/** Frames one message as a record of its JSON encoding. */
export function encodeRecord(message: unknown): string {
  return frameRecord(JSON.stringify(message));
}

/** Frames an already-serialized payload. */
export function frameRecord(payload: string): string {
  return `${Buffer.byteLength(payload, "utf8")}\n${payload}`;
}

export class RecordIOError extends Error {
  override readonly name = "RecordIOError";
}

/** Longest decimal length prefix accepted; anything longer cannot be a sane record size. */
const MAX_PREFIX_DIGITS = 16;
const NEWLINE = 0x0a;

export interface RecordIODecoderOptions {
  /** Records larger than this are refused (default 64 MiB, the protobuf message limit). */
  maxRecordBytes?: number;
}

/**
 * Streaming decoder: feed it chunks as they arrive (a record may be split anywhere, even inside
 * its length prefix or a multibyte character; a chunk may hold several records) and it returns
 * the complete records' payloads as UTF-8 strings. A malformed prefix throws RecordIOError, and
 * the decoder stays failed: the stream cannot be resynchronised.
 */
export class RecordIODecoder {
  private readonly maxRecordBytes: number;
  private prefix = "";
  private expected: number | undefined;
  private parts: Buffer[] = [];
  private have = 0;
  private failure: RecordIOError | undefined;

  constructor(options: RecordIODecoderOptions = {}) {
    this.maxRecordBytes = options.maxRecordBytes ?? 64 * 1024 * 1024;
  }

  /** Decode one chunk; returns the records it completed, in order. */
  decode(chunk: Uint8Array | string): string[] {
    if (this.failure) throw this.failure;
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const records: string[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      if (this.expected === undefined) {
        pos = this.readPrefix(bytes, pos);
        if (this.expected === 0) records.push(this.take());
        continue;
      }
      const want = this.expected - this.have;
      const slice = bytes.subarray(pos, pos + want);
      this.have += slice.length;
      pos += slice.length;
      if (this.have === this.expected) {
        this.parts.push(slice);
        records.push(this.take());
      } else {
        // The record continues in a later chunk: copy, since the caller may reuse this chunk's memory.
        this.parts.push(Buffer.from(slice));
      }
    }
    return records;
  }

  /** Call at end of stream: throws if a record was cut off. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.prefix !== "" || this.expected !== undefined) {
      throw this.fail(
        this.expected === undefined
          ? `stream ended inside a record length prefix "${this.prefix}"`
          : `stream ended after ${this.have} of ${this.expected} bytes of a record`,
      );
    }
  }

  private readPrefix(bytes: Buffer, start: number): number {
    let pos = start;
    while (pos < bytes.length) {
      const b = bytes[pos++]!;
      if (b === NEWLINE) {
        if (this.prefix === "") throw this.fail("empty record length prefix");
        const length = Number(this.prefix);
        if (length > this.maxRecordBytes) {
          throw this.fail(`record length ${length} exceeds the limit of ${this.maxRecordBytes} bytes`);
        }
        this.prefix = "";
        this.expected = length;
        return pos;
      }
      if (b < 0x30 || b > 0x39) {
        const shown = JSON.stringify(this.prefix + String.fromCharCode(b));
        throw this.fail(`bad record length prefix ${shown}: expected decimal digits then a newline`);
      }
      this.prefix += String.fromCharCode(b);
      if (this.prefix.length > MAX_PREFIX_DIGITS) throw this.fail(`record length prefix "${this.prefix}..." is too long`);
    }
    return pos;
  }

  private take(): string {
    const payload = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.have);
    this.parts = [];
    this.have = 0;
    this.expected = undefined;
    return payload.toString("utf8");
  }

  private fail(message: string): RecordIOError {
    this.failure = new RecordIOError(message);
    return this.failure;
  }
}

/** Decodes a whole stream of chunks into JSON values, one per record. */
export async function* decodeRecordStream(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options?: RecordIODecoderOptions,
): AsyncGenerator<unknown> {
  const decoder = new RecordIODecoder(options);
  for await (const chunk of chunks) {
    for (const record of decoder.decode(chunk)) yield JSON.parse(record);
  }
  decoder.end();
}
