// The launcher's own program: plain CommonJS run with `node -e` (no loader, no TypeScript), so it
// starts the same from sources and from dist. Kept as text because it runs in its own process.

/**
 * One small Node process per containerizer: the parent and supervisor of every task it starts.
 *
 * Arguments: the exit file's name, then the path of @tessera/spawn-native's addon ("" if none).
 * It reads one JSON request per line on stdin ({id, sandbox, file, argv0, args, env}) and spawns the
 * task directly: its own session and process group (setsid; the group id is its pid), default
 * signal handlers and no blocked signals, exactly the given environment, the sandbox as working
 * directory, stdin from /dev/null, stdout and stderr appended to files there, none of its own fds.
 * With the addon it starts tasks by posix_spawn (no copy of its own address space) and reaps them
 * on SIGCHLD; without, by child_process (a fork of itself per task). It reports
 * "<id> <task pid> <own pid> <own start> [<task start>]" on fd 3 (start times in clock ticks after
 * boot, from /proc), or "<id> ! <why>" when the task cannot start. When the task exits it kills what
 * is left of its group (a container ends whole), writes the status (128+N for signal N, as a shell
 * reports it) to the exit file in the sandbox, and reports "<id> exit <status>".
 *
 * It ignores SIGPIPE (Node's default), so a dead agent never kills it; when the agent closes its
 * stdin (or dies) it keeps supervising until its last task ends, then exits: tasks outlive an agent
 * restart and their statuses are still recorded, and the launcher, their parent, reaps them.
 */
export const LAUNCHER_SOURCE = String.raw`"use strict";
const { closeSync, openSync, readFileSync, writeFileSync, writeSync } = require("node:fs");
const { constants } = require("node:os");
const { join } = require("node:path");
const exitFile = process.argv[1];
let reporting = true;
// What one turn reports leaves in one write: a batch of launch requests (one ACCEPT's tasks) is
// answered at once, so the agent sends their updates together instead of waking once per task.
let reports = "";
const flush = () => {
  const text = reports;
  reports = "";
  if (!reporting || text === "") return;
  try { writeSync(3, text); } catch { reporting = false; }
};
const say = (line) => {
  if (reports === "") process.nextTick(flush);
  reports += line + "\n";
};
let addon;
try {
  if (process.argv[2]) addon = require(process.argv[2]);
} catch (e) {
  say("warn cannot load @tessera/spawn-native (" + e.message.split("\n")[0] + ")");
}
const startOf = (pid) => {
  try {
    const t = readFileSync("/proc/" + pid + "/stat", "latin1");
    return t.slice(t.lastIndexOf(")") + 2).split(" ")[19] || "";
  } catch { return ""; }
};
const self = startOf(process.pid);
let running = 0;
let listening = true;
const done = () => { if (!listening && running === 0) { flush(); process.exit(0); } };
const started = (r, pid) => {
  running++;
  say(r.id + " " + pid + " " + process.pid + " " + self + " " + startOf(pid));
};
const ended = (r, pid, status) => {
  try { process.kill(-pid, "SIGKILL"); } catch {}
  try { writeFileSync(join(r.sandbox, exitFile), status + "\n"); } catch {}
  say(r.id + " exit " + status);
  running--;
  done();
};
let start;
if (addon) {
  const tasks = new Map();
  // Signal handlers do not keep Node running: this timer does while tasks run (and reaps, should a SIGCHLD be missed).
  const alive = setInterval(() => reap(), 1000);
  alive.unref();
  const reap = () => {
    for (const e of addon.reap()) {
      const r = tasks.get(e.pid);
      if (r === undefined) continue;
      tasks.delete(e.pid);
      ended(r, e.pid, e.signal !== null ? 128 + e.signal : e.code);
    }
    if (tasks.size === 0) alive.unref();
  };
  process.on("SIGCHLD", reap);
  start = (r) => {
    let pid;
    try {
      pid = addon.spawn(r.file, [r.argv0].concat(r.args), Object.keys(r.env).map((k) => k + "=" + r.env[k]), r.sandbox, join(r.sandbox, "stdout"), join(r.sandbox, "stderr"));
    } catch (e) {
      say(r.id + " ! " + (e.syscall === "open" ? "cannot open stdout and stderr in the sandbox: " : "cannot start the task: ") + e.message);
      return;
    }
    tasks.set(pid, r);
    alive.ref();
    started(r, pid);
  };
} else {
  const { spawn } = require("node:child_process");
  start = (r) => {
    let out, err;
    try {
      out = openSync(join(r.sandbox, "stdout"), "a");
      err = openSync(join(r.sandbox, "stderr"), "a");
    } catch (e) {
      if (out !== undefined) closeSync(out);
      say(r.id + " ! cannot open stdout and stderr in the sandbox: " + e.message);
      return;
    }
    let child;
    try {
      child = spawn(r.file, r.args, { argv0: r.argv0, cwd: r.sandbox, env: r.env, detached: true, stdio: ["ignore", out, err] });
    } catch (e) {
      say(r.id + " ! cannot start the task: " + e.message);
      return;
    } finally {
      closeSync(out);
      closeSync(err);
    }
    if (child.pid === undefined) {
      child.once("error", (e) => say(r.id + " ! cannot start the task: " + e.message));
      return;
    }
    child.on("error", () => {});
    const pid = child.pid;
    started(r, pid);
    child.once("exit", (code, signal) => ended(r, pid, signal ? 128 + constants.signals[signal] : code));
  };
}
let buf = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  buf += d;
  let nl;
  while ((nl = buf.indexOf("\n")) >= 0) {
    const line = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    if (line === "") continue;
    let r;
    try { r = JSON.parse(line); } catch { continue; }
    start(r);
  }
});
const stop = () => { listening = false; done(); };
process.stdin.on("end", stop);
process.stdin.on("error", stop);
`;
