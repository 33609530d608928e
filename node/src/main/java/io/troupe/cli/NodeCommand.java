package io.troupe.cli;

import io.troupe.error.TroupeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code troupe-node}: the Troupe server and in-process runner. */
@Command(
    name = "troupe-node",
    mixinStandardHelpOptions = true,
    version = "troupe-node 0.1.0",
    description = "Runs WebAssembly actors.",
    subcommands = {
      RunCommand.class,
      DemoCommand.class,
      StartCommand.class,
      CertsCommand.class,
      ReplayCommand.class
    })
public final class NodeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line; returns the exit code. For tests and {@link #main}. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new NodeCommand());
    cl.setOverwrittenOptionsAllowed(true); // --send/--request repeat, in order, via setters
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("troupe-node: " + message(e));
          return 1;
        });
    return cl.execute(args);
  }

  /** One line for a person: our own errors by message, anything else by type and message. */
  static String message(Throwable e) {
    if (e instanceof TroupeException || e instanceof IllegalArgumentException) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
