import { Command, CommanderError, Option } from "commander";
import { registerInspectCommands } from "./commands/inspect.js";
import { registerNodeCommands } from "./commands/nodes.js";
import { registerRunCommand } from "./commands/run.js";
import { CommandError, explain, processIo, UsageError, type Io } from "./context.js";
import { parseMasterUrl } from "./options.js";

export const DEFAULT_MASTER = "http://127.0.0.1:5050";

/** Builds the `tessera` command tree; output goes to `io`, nothing calls process.exit. */
export function createProgram(io: Io): Command {
  const program = new Command("tessera")
    .description("Tessera: a datacenter resource manager (Mesos v1 API, tapable modules)")
    .addOption(
      new Option("--master <url>", "master to talk to ($TESSERA_MASTER)")
        .default(io.env.TESSERA_MASTER ? parseMasterUrl(io.env.TESSERA_MASTER) : DEFAULT_MASTER)
        .argParser(parseMasterUrl),
    )
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    });
  const master = (): string => program.opts<{ master: string }>().master;
  registerNodeCommands(program, io, master);
  registerRunCommand(program, io, master);
  registerInspectCommands(program, io, master);
  // Subcommands inherit the error handling, so a bad flag anywhere exits 2.
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError("(run with --help for usage)");
  }
  return program;
}

/** Runs the CLI on `argv` (as process.argv: node, script, ...args) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let program: Command;
  try {
    program = createProgram(io);
  } catch (err) {
    io.stderr.write(`error: $TESSERA_MASTER: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      return 2; // commander already printed what was wrong
    }
    if (err instanceof UsageError) {
      io.stderr.write(`error: ${err.message}\n(run with --help for usage)\n`);
      return 2;
    }
    if (err instanceof CommandError) {
      if (err.message) io.stderr.write(`tessera: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`tessera: ${explain(err)}\n`);
    return 1;
  }
}
