package io.troupe.benchmarks;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.troupe.client.sdk.TroupeClient;
import io.troupe.server.TroupeNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The client path (issue: speed, target 2): sends through the Java SDK from 16 threads, to one
 * actor and to 16, blocking and asynchronous, beside raw gRPC unary calls (the health check) from
 * 16 threads on the same node in the same run. One node in this JVM, clients in this JVM.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.troupe.benchmarks.ClientBenchmark 5 examples
 * }</pre>
 */
public final class ClientBenchmark {
  private static final int THREADS = 16;
  private static final int IN_FLIGHT = 256;

  private ClientBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path examples = Path.of(args.length > 1 ? args[1] : "examples");
    TroupeNode node = BenchCluster.start(1, "client", b -> b).get(0);
    ManagedChannel raw =
        Grpc.newChannelBuilder(node.grpcAddress(), InsecureChannelCredentials.create()).build();
    try (TroupeClient client = TroupeClient.builder().target(node.grpcAddress()).build()) {
      for (int i = 0; i < THREADS; i++) {
        client.start(examples.resolve("counter/counter.toml"), "c" + i);
      }
      var health = HealthGrpc.newBlockingStub(raw);
      HealthCheckRequest check = HealthCheckRequest.getDefaultInstance();
      for (int round = 0; round < 2; round++) { // the first round warms up every path
        double unary = threads(seconds, i -> health.check(check));
        double one = threads(seconds, i -> client.send("c0", "1"));
        double sixteen = threads(seconds, i -> client.send("c" + i, "1"));
        double asyncOne = inFlight(seconds, n -> client.sendAsync("c0", "1"));
        double asyncSixteen = inFlight(seconds, n -> client.sendAsync("c" + (n % THREADS), "1"));
        if (round == 1) {
          System.out.printf("raw gRPC unary, 16 threads        %8.0f calls/s%n", unary);
          row("SDK send, 16 threads, 1 actor", one, unary);
          row("SDK send, 16 threads, 16 actors", sixteen, unary);
          row("SDK sendAsync, 256 in flight, 1 actor", asyncOne, unary);
          row("SDK sendAsync, 256 in flight, 16 actors", asyncSixteen, unary);
        }
      }
    } finally {
      raw.shutdownNow();
      node.close();
    }
  }

  private static void row(String what, double rate, double unary) {
    System.out.printf("%-40s %8.0f sends/s  %.2f of raw unary%n", what, rate, rate / unary);
  }

  /** Calls per second of {@code call} from {@link #THREADS} threads (thread i passes i). */
  private static double threads(int seconds, IntConsumer call) throws InterruptedException {
    LongAdder done = new LongAdder();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int i = t;
      Thread th =
          new Thread(
              () -> {
                while (running.get()) {
                  call.accept(i);
                  done.increment();
                }
              });
      th.start();
      threads.add(th);
    }
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    running.set(false);
    for (Thread th : threads) {
      th.join();
    }
    return done.sum() / ((System.nanoTime() - start) / 1e9);
  }

  /** Completions per second of {@code call}, {@link #IN_FLIGHT} at a time, from one thread. */
  private static double inFlight(int seconds, IntFunction<CompletableFuture<?>> call)
      throws InterruptedException {
    Semaphore window = new Semaphore(IN_FLIGHT);
    LongAdder done = new LongAdder();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    for (int n = 0; System.nanoTime() < end; n++) {
      window.acquire();
      call.apply(n)
          .whenComplete(
              (v, e) -> {
                done.increment();
                window.release();
              });
    }
    window.acquire(IN_FLIGHT); // the last ones
    return done.sum() / ((System.nanoTime() - start) / 1e9);
  }
}
