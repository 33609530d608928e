package io.troupe.benchmarks;

import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Verification that streams (issue: replay and receipts, target 5): {@code ops/troupe chain verify}
 * of a chain of N events against {@code sha256sum} of the same file, wall time and peak memory of
 * each (GNU time), in the same run. The chain is generated here: a counter's turns (a {@code
 * wasm.call} and a {@code wasm.result} per message, with the data such events carry).
 *
 * <pre>{@code
 * mvn -B -q -DskipTests install
 * java -cp benchmarks/target/benchmarks.jar io.troupe.benchmarks.ChainVerifyBenchmark 1000000
 * }</pre>
 */
public final class ChainVerifyBenchmark {
  private ChainVerifyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path file = Path.of("benchmarks", "target", "chain-" + n + ".jsonl").toAbsolutePath();
    if (!Files.exists(file)) {
      write(file, n);
    }
    System.out.printf("%,d events, %,d bytes: %s%n", n, Files.size(file), file);
    for (int round = 0; round < 3; round++) { // the first round warms the page cache
      Run sha = time(List.of("sha256sum", file.toString()));
      Run verify = time(List.of("ops/troupe", "chain", "verify", file.toString()));
      Run small =
          time(
              List.of(
                  "env",
                  "TROUPE_JAVA_OPTS=-Xmx256m",
                  "ops/troupe",
                  "chain",
                  "verify",
                  file.toString()));
      if (round > 0) {
        System.out.printf(
            "sha256sum %,6d ms %,7d KB | troupe chain verify %,6d ms %,7d KB (%.2f× sha256sum)"
                + " | with -Xmx256m %,6d ms %,7d KB: %s%n",
            sha.ms,
            sha.kb,
            verify.ms,
            verify.kb,
            (double) verify.ms / sha.ms,
            small.ms,
            small.kb,
            small.out.strip());
      }
    }
  }

  private record Run(long ms, long kb, String out) {}

  /** Runs {@code command} under GNU time: its wall time, its peak resident memory, its output. */
  private static Run time(List<String> command) throws IOException, InterruptedException {
    Path mem = Files.createTempFile("time", ".txt");
    List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", mem.toString()));
    full.addAll(command);
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long kb = Long.parseLong(Files.readString(mem).strip().lines().reduce((a, b) -> b).orElse("0"));
    Files.delete(mem);
    return new Run(ms, kb, out);
  }

  private static void write(Path file, int n) throws IOException {
    Files.createDirectories(file.getParent());
    EventHash parent = EventHash.ZERO;
    long ts = 1_764_000_000_000L;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int seq = 0; seq < n; seq++) {
        String data =
            seq % 2 == 0
                ? "{\"function\":\"troupe:actor/message-server-client.handle-send\",\"message_id\":\""
                    + java.util.UUID.nameUUIDFromBytes(Integer.toString(seq).getBytes())
                    + "\",\"sender\":null,\"params\":[{\"add\":"
                    + seq
                    + "}]}"
                : "{\"function\":\"troupe:actor/message-server-client.handle-send\",\"result\":null,"
                    + "\"state_sha256\":\""
                    + "0123456789abcdef".repeat(4)
                    + "\"}";
        ChainEvent e =
            ChainEvent.create(
                "counter",
                seq,
                parent,
                seq % 2 == 0 ? "wasm.call" : "wasm.result",
                ts + seq,
                data.getBytes(StandardCharsets.UTF_8));
        w.write(ChainCodec.toLine(e));
        w.write('\n');
        parent = e.hash();
      }
    }
  }
}
