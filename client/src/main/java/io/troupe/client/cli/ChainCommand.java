package io.troupe.client.cli;

import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.chain.Receipt;
import io.troupe.chain.Verification;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code troupe chain …}: work with exported chains (JSON lines, chain v1). */
@Command(
    name = "chain",
    mixinStandardHelpOptions = true,
    description = "Work with exported hash chains.",
    subcommands = {ChainCommand.Verify.class})
final class ChainCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** {@code troupe chain verify FILE}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verifies an exported chain: exits 0 and prints the event count when every event links",
        "and hashes correctly; otherwise exits 1 naming the actor and the first bad seq.",
        "With --receipt and --pubkey, also checks that the receipt is signed by that key and that",
        "the chain contains the head it names (exit 1 when not)."
      })
  static final class Verify implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Chain export (JSON lines).")
    Path file;

    @Option(
        names = "--receipt",
        paramLabel = "FILE",
        description = "A receipt (JSON, as `troupe actor head ID --signed` prints it).")
    Path receiptFile;

    @Option(
        names = "--pubkey",
        paramLabel = "KEY",
        description =
            "The signing node's public key: a PEM file (as the node writes beside its key), or"
                + " the raw key in base64 (as ClusterStatus shows it).")
    String publicKey;

    @Override
    public Integer call() throws IOException {
      // a stream, in constant memory: a chain of millions of events is read once, never held
      if ((receiptFile == null) != (publicKey == null)) {
        throw new IllegalArgumentException("--receipt and --pubkey go together");
      }
      Receipt receipt = receiptFile == null ? null : ReceiptFiles.receipt(receiptFile);
      EventHash[] atReceipt = new EventHash[1];
      ChainVerifier.Running running = ChainVerifier.streaming();
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
        ChainCodec.read(
            in,
            e -> {
              if (receipt != null && e.seq() == receipt.seq()) {
                atReceipt[0] = e.hash();
              }
              return running.accept(e);
            });
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("no such file: " + file);
      } catch (ChainCodec.MalformedChainException e) {
        throw new IllegalArgumentException(file + " is not a chain export: " + e.getMessage());
      }
      Verification v = running.result();
      if (v.valid() && receipt != null) {
        String problem = ReceiptFiles.problem(receipt, publicKey, running, atReceipt[0]);
        if (problem != null) {
          spec.commandLine().getErr().println("troupe: " + file + ": " + problem);
          return 1;
        }
      }
      if (v.valid()) {
        if (receipt != null) {
          spec.commandLine()
              .getOut()
              .println(
                  "receipt: node "
                      + receipt.node()
                      + " signed head "
                      + receipt.head().toHex()
                      + " at seq "
                      + receipt.seq()
                      + " (epoch "
                      + receipt.epoch()
                      + ", "
                      + java.time.Instant.ofEpochMilli(receipt.timeMillis())
                      + "), and the chain contains it");
        }
        spec.commandLine()
            .getOut()
            .println(
                running.firstSeq() <= 0
                    ? v.describe()
                    : v.describe()
                        + ", from its anchor: the events before seq "
                        + running.firstSeq()
                        + " were pruned, the last of them had hash "
                        + running.anchor().toHex());
        return 0;
      }
      spec.commandLine().getErr().println("troupe: " + file + ": " + v.describe());
      return 1;
    }
  }
}
