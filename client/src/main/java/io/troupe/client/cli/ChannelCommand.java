package io.troupe.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.client.sdk.ChannelListener;
import io.troupe.client.sdk.TroupeChannel;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.client.sdk.TroupeClientException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code troupe actor channel ID [--open JSON]}: a channel between stdin/stdout and an actor. Each
 * line read is sent as one JSON message; each message received is printed as one JSON line; the end
 * of stdin closes the channel.
 */
@Command(
    name = "channel",
    description = {
      "Opens a channel to the actor: sends each line of stdin as a JSON message, prints each",
      "message the actor sends as a JSON line; closes it at the end of stdin. Refused lines and",
      "the close reason go to stderr; exits 0 once the channel closed."
    })
final class ChannelCommand extends ActorCommand.Sub {
  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Option(
      names = "--open",
      paramLabel = "JSON",
      description = "The message the actor's handle-channel-open gets (default: null).")
  String open = "null";

  @Override
  void run(TroupeClient client) {
    PrintWriter out = out();
    PrintWriter err = spec.commandLine().getErr();
    TroupeChannel channel =
        client.openChannel(
            id,
            open,
            new ChannelListener<JsonNode>() {
              @Override
              public void onMessage(JsonNode message) {
                out.println(message);
                out.flush();
              }

              @Override
              public void onError(TroupeClientException error) {
                err.println("troupe: refused: " + error.getMessage() + " (" + error.kind() + ")");
                err.flush();
              }

              @Override
              public void onClose(String reason) {
                err.println("troupe: channel closed: " + reason);
                err.flush();
              }
            });
    channel.awaitOpened(); // refused: the error, exit 1
    Thread input = new Thread(() -> pump(channel, err), "troupe-stdin");
    input.setDaemon(true); // the actor may close first: then nobody waits for stdin
    input.start();
    try {
      channel.closed().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Sends stdin's lines until its end, then closes the channel. */
  private static void pump(TroupeChannel channel, PrintWriter err) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.isBlank()) {
          channel.send(line); // JSON text, as it is: the node refuses what is not JSON
        }
      }
    } catch (IOException e) {
      err.println("troupe: cannot read stdin: " + e.getMessage());
    } catch (TroupeClientException e) {
      return; // closed meanwhile
    }
    channel.close();
  }
}
