// Small TCP tools the system tests run inside network namespaces (one JSON line per event).
//   serve <port> <name>           answers every connection with {"name","peerPort"}; logs {"accepted"}
//   connect <host> <port> [ms]    prints {"reply"} or {"error"} and exits
//   sink <port>                   counts bytes of one connection, prints {"bytes","secs","mbit"} at its end
//   send <host> <port> <ms>       writes as fast as it can for <ms>, then closes and prints {"sent"}
import net from "node:net";

const [mode, ...args] = process.argv.slice(2);
const out = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

if (mode === "serve") {
  const [port, name] = [Number(args[0]), args[1]];
  net
    .createServer((c) => {
      out({ accepted: c.remotePort });
      c.end(JSON.stringify({ name, peerPort: c.remotePort, peer: c.remoteAddress }));
    })
    .listen(port, "0.0.0.0", () => out({ listening: port }));
} else if (mode === "connect") {
  const [host, port, ms] = [args[0], Number(args[1]), Number(args[2] ?? 2000)];
  const c = net.connect({ host, port, timeout: ms });
  let data = "";
  c.on("data", (d) => (data += d));
  c.on("end", () => {
    out({ reply: data, localPort: c.localPort });
    process.exit(0);
  });
  c.on("timeout", () => {
    out({ error: "timeout" });
    process.exit(0);
  });
  c.on("error", (e) => {
    out({ error: e.code ?? e.message });
    process.exit(0);
  });
} else if (mode === "sink") {
  const server = net.createServer((c) => {
    let bytes = 0;
    let first;
    c.on("data", (d) => {
      first ??= process.hrtime.bigint();
      bytes += d.length;
    });
    c.on("end", () => {
      const secs = first === undefined ? 0 : Number(process.hrtime.bigint() - first) / 1e9;
      out({ bytes, secs, mbit: secs > 0 ? (bytes * 8) / secs / 1e6 : 0 });
      server.close();
    });
  });
  server.listen(Number(args[0]), "0.0.0.0", () => out({ listening: Number(args[0]) }));
} else if (mode === "send") {
  const [host, port, ms] = [args[0], Number(args[1]), Number(args[2])];
  const chunk = Buffer.alloc(64 * 1024);
  let sent = 0;
  const c = net.connect({ host, port }, () => {
    const end = Date.now() + ms;
    const pump = () => {
      while (Date.now() < end) {
        sent += chunk.length;
        if (!c.write(chunk)) return void c.once("drain", pump);
      }
      c.end();
    };
    pump();
  });
  c.on("close", () => {
    out({ sent, localPort: c.localPort });
    process.exit(0);
  });
  c.on("error", (e) => {
    out({ error: e.code ?? e.message });
    process.exit(1);
  });
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
