import { pino, type Logger } from "pino";

/**
 * A node's log: JSON lines into `file` (so `up` keeps the terminal for URLs and the demo), or
 * undefined to let the node log to stdout as a daemon does.
 */
export function fileLogger(name: string, file: string, level = "info"): Logger {
  return pino({ name, level }, pino.destination({ dest: file, mkdir: true, sync: false }));
}
