package io.troupe.client.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code troupe}: the Troupe command-line client. */
@Command(
    name = "troupe",
    mixinStandardHelpOptions = true,
    version = "troupe 0.1.0",
    description = "Talks to Troupe: chains, actors, the cluster; creates actor projects.",
    subcommands = {
      ChainCommand.class,
      ActorCommand.class,
      ClusterCommand.class,
      NewCommand.class,
      CompletionCommand.class
    })
public final class TroupeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--target",
      split = ",",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Node address(es) host:port, tried in order (default: $TROUPE_TARGET or 127.0.0.1:7070).")
  java.util.List<String> targets;

  @CommandLine.Option(
      names = "--token",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Bearer token for a node that needs one (default: $TROUPE_TOKEN).")
  String token;

  @CommandLine.Option(
      names = "--ca",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Talk TLS, trusting the CA certificate(s) in this PEM file (default: $TROUPE_CA).")
  java.nio.file.Path ca;

  @CommandLine.Option(
      names = "--tls",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Talk TLS, trusting the system's certificate authorities.")
  boolean tls;

  /** A client for the targets given (or the default). */
  io.troupe.client.sdk.TroupeClient client() {
    java.util.List<String> t = targets;
    if (t == null || t.isEmpty()) {
      String env = System.getenv("TROUPE_TARGET");
      t = java.util.List.of((env == null || env.isBlank() ? "127.0.0.1:7070" : env).split(","));
    }
    io.troupe.client.sdk.TroupeClientBuilder b =
        io.troupe.client.sdk.TroupeClient.builder()
            .targets(t)
            .deadline(java.time.Duration.ofSeconds(10));
    String secret = token != null ? token : System.getenv("TROUPE_TOKEN");
    if (secret != null && !secret.isBlank()) {
      b.token(secret);
    }
    String caFile = ca != null ? ca.toString() : System.getenv("TROUPE_CA");
    if (caFile != null && !caFile.isBlank()) {
      b.trustedCertificates(java.nio.file.Path.of(caFile));
    } else if (tls) {
      b.tls();
    }
    return b.build();
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
