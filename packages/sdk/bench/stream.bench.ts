// How fast a framework takes in its event stream: OFFERS decoded, validated and handed to callbacks,
// and UPDATEs acknowledged automatically, over a real loopback HTTP connection.
import { FakeMaster, frame, offer, subscribedEvent } from "../src/__fixtures__/fake-master.js";
import { SchedulerClient } from "../src/index.js";

const OFFERS = Number(process.env.BENCH_OFFERS ?? 20_000);
const UPDATES = Number(process.env.BENCH_UPDATES ?? 2_000);

export async function run(): Promise<void> {
  const m = await new FakeMaster().start();
  const client = new SchedulerClient({ master: m.url, framework: { user: "", name: "bench" }, reconnect: false });
  try {
    const subscribed = client.subscribe();
    await m.waitFor("SUBSCRIBE");
    m.send(subscribedEvent("fw-bench"));
    await subscribed;

    // Pre-framed so the bench times the client, not the server's JSON.stringify.
    const batch = Buffer.concat(
      Array.from({ length: 100 }, (_, i) =>
        frame({ type: "OFFERS", offers: { offers: [offer(`o-${i}`, "a-1", { cpus: 4, mem: 4096, ports: [31000, 32000] }), offer(`p-${i}`, "a-2", { cpus: 2, mem: 2048 })] } }),
      ),
    );
    let got = 0;
    const allOffers = new Promise<void>((resolve) => client.on("offers", () => ++got === OFFERS && resolve()));
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < OFFERS / 100; i++) m.sendRaw(batch);
    await allOffers;
    const offersMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const mb = (batch.length * (OFFERS / 100)) / 1e6;
    console.log(`OFFERS events (2 offers each): ${OFFERS} in ${offersMs.toFixed(0)} ms = ${Math.round(OFFERS / (offersMs / 1000))} events/s, ${(mb / (offersMs / 1000)).toFixed(1)} MB/s`);

    const t1 = process.hrtime.bigint();
    for (let i = 0; i < UPDATES; i++) {
      m.send({ type: "UPDATE", update: { status: { task_id: { value: `t-${i}` }, agent_id: { value: "a-1" }, state: "TASK_RUNNING", uuid: Buffer.from(`u-${i}`).toString("base64") } } });
    }
    await m.waitFor("ACKNOWLEDGE", UPDATES);
    const ackMs = Number(process.hrtime.bigint() - t1) / 1e6;
    console.log(`UPDATE → auto ACKNOWLEDGE round trips: ${UPDATES} in ${ackMs.toFixed(0)} ms = ${Math.round(UPDATES / (ackMs / 1000))} acks/s`);
  } finally {
    client.close();
    await m.stop();
  }
}
