package io.troupe.client.cli;

import io.troupe.client.sdk.TroupeClient;
import io.troupe.proto.v1.GetHeadResponse;
import io.troupe.proto.v1.ReplayActorResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code troupe actor} verbs about an actor's life and history beyond its messages: restart,
 * remove, upgrade, replay, head.
 */
final class ActorLifecycleCommands {
  private ActorLifecycleCommands() {}

  @Command(
      name = "restart",
      description =
          "Starts the actor again from its last committed state, in a new epoch (a running one is"
              + " stopped first); prints where it runs.")
  static final class Restart extends ActorCommand.Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(names = "--reason", description = "Recorded in its chain.")
    String reason = "";

    @Override
    void run(TroupeClient client) {
      var r = client.restart(id, reason);
      out().println(object().put("id", id).put("node", r.getNode()).put("epoch", r.getEpoch()));
    }
  }

  @Command(
      name = "remove",
      description =
          "Deletes a stopped or failed actor's record and whole chain (export it first with"
              + " `actor chain ID --out FILE` to keep it); its id can be used again.")
  static final class Remove extends ActorCommand.Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    void run(TroupeClient client) {
      client.remove(id);
    }
  }

  @Command(
      name = "upgrade",
      description =
          "Hot code upgrade: replays the actor's recent history against the new module first, and"
              + " runs it from the next turn on (state kept) only if that reproduces it, or with"
              + " --force. Exits 1 naming the diverging seq when refused.")
  static final class Upgrade extends ActorCommand.Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(
        names = "--module",
        required = true,
        paramLabel = "FILE",
        description = "The new module (.wasm or .wat).")
    java.nio.file.Path module;

    @Option(
        names = "--window",
        paramLabel = "N",
        description = "Replay at least the latest N events (default: the node's, 10,000).")
    long window;

    @Option(names = "--force", description = "Upgrade even when the replay diverges.")
    boolean force;

    @Override
    int exit(TroupeClient client) throws java.io.IOException {
      var r = client.upgrade(id, java.nio.file.Files.readAllBytes(module), window, force);
      out().println(r.getCheck().getSummary());
      if (r.getUpgraded()) {
        out().println("upgraded actor " + id + " to " + r.getModuleRef());
        return 0;
      }
      out().flush();
      spec.commandLine()
          .getErr()
          .println(
              "troupe: not upgraded: the new module does not reproduce the history (--force"
                  + " to upgrade anyway)");
      return 1;
    }
  }

  @Command(
      name = "replay",
      description =
          "Replays the actor's committed chain against its module on the node, host calls"
              + " answered from the chain: exits 0 when every event is reproduced, 1 naming the"
              + " first seq that differs.")
  static final class Replay extends ActorCommand.Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int exit(TroupeClient client) {
      ReplayActorResponse r = client.replay(id);
      out().println(r.getSummary());
      return r.getReproduced() ? 0 : 1;
    }
  }

  @Command(
      name = "head",
      description =
          "Prints the actor's committed head as JSON; with --signed, a receipt signed by the"
              + " node (check it with `troupe chain verify FILE --receipt R --pubkey K`).")
  static final class Head extends ActorCommand.Sub {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(names = "--signed", description = "Print a receipt the node signs.")
    boolean signed;

    @Override
    void run(TroupeClient client) {
      GetHeadResponse h = client.head(id, signed);
      if (signed) {
        out().println(TroupeClient.receipt(h.getReceipt()).toJson());
      } else {
        out()
            .println(
                object()
                    .put("actor", id)
                    .put("length", h.getLength())
                    .put("head", io.troupe.chain.EventHash.of(h.getHead().toByteArray()).toHex())
                    .put("epoch", h.getEpoch()));
      }
    }
  }
}
