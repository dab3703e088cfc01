/** Splits a RecordIO byte stream ("<decimal length>\n<payload>"...) into payloads, across chunk boundaries. */
export class RecordIODecoder {
  #buf: Buffer = Buffer.alloc(0);

  decode(chunk: Uint8Array): Buffer[] {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : Buffer.from(chunk);
    const out: Buffer[] = [];
    for (;;) {
      const nl = this.#buf.indexOf(0x0a);
      if (nl < 0) break;
      const head = this.#buf.subarray(0, nl).toString("ascii");
      if (!/^\d+$/.test(head)) throw new Error(`RecordIO: bad record length "${head.slice(0, 20)}"`);
      const len = Number(head);
      if (this.#buf.length < nl + 1 + len) break;
      out.push(this.#buf.subarray(nl + 1, nl + 1 + len));
      this.#buf = this.#buf.subarray(nl + 1 + len);
    }
    return out;
  }
}
