package io.troupe.client.cli;

import io.troupe.client.sdk.Subscription;
import io.troupe.client.sdk.TroupeClient;
import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code troupe actor events ID [--from SEQ] [--follow]}: chain events as JSON lines. */
@Command(
    name = "events",
    description = {
      "Prints the actor's committed chain events, one JSON line each (chain v1, as `actor chain`",
      "writes them); with --follow, then each new one as it commits, until the actor stops (or",
      "Ctrl-C)."
    })
final class EventsCommand extends ActorCommand.Sub {
  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Option(names = "--from", paramLabel = "SEQ", description = "The first seq (default 0).")
  long from;

  @Option(names = "--follow", description = "Go on with live events.")
  boolean follow;

  @Override
  void run(TroupeClient client) {
    PrintWriter out = out();
    if (!follow) {
      client.chain(id, from, 0, e -> out.println(ChainLines.line(e)));
      return;
    }
    try (Subscription s =
        client.subscribe(
            id,
            from,
            e -> {
              out.println(ChainLines.line(e));
              out.flush(); // live: each line as it comes
            })) {
      s.done().join(); // the actor stopped; Ctrl-C ends the process before
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
