package io.troupe.client.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code troupe}: the Troupe command-line client. */
@Command(
    name = "troupe",
    mixinStandardHelpOptions = true,
    version = "troupe 0.1.0",
    description = "Talks to Troupe: chains, actors, the cluster.",
    subcommands = {ChainCommand.class, ActorCommand.class, ClusterCommand.class})
public final class TroupeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--target",
      split = ",",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Node address(es) host:port, tried in order (default: $TROUPE_TARGET or 127.0.0.1:7070).")
  java.util.List<String> targets;

  /** A client for the targets given (or the default). */
  io.troupe.client.sdk.TroupeClient client() {
    java.util.List<String> t = targets;
    if (t == null || t.isEmpty()) {
      String env = System.getenv("TROUPE_TARGET");
      t = java.util.List.of((env == null || env.isBlank() ? "127.0.0.1:7070" : env).split(","));
    }
    return io.troupe.client.sdk.TroupeClient.builder()
        .targets(t)
        .deadline(java.time.Duration.ofSeconds(10))
        .build();
  }

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line; returns the exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new TroupeCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("troupe: " + e.getMessage());
          return e instanceof io.troupe.client.sdk.TroupeClientException t
                  && t.code() == io.grpc.Status.Code.UNAVAILABLE
              ? 3
              : 1;
        });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
