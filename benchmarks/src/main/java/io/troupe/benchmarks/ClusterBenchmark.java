package io.troupe.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.protobuf.ByteString;
import com.hazelcast.map.IMap;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.manifest.ManifestParser;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.server.TroupeNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster's two figures, each beside its raw baseline measured in the same process on the same
 * three in-JVM nodes (real Hazelcast members, real gRPC over loopback):
 *
 * <ol>
 *   <li>cross-node request latency (client → node A → NodeLink → echo on node B → back) versus a
 *       raw gRPC unary call to node A (the health check);
 *   <li>replicated messages/s (sends to counters spread over the three nodes, each acknowledged
 *       after its events are on the backup) versus raw {@code IMap.set} with one sync backup.
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.troupe.benchmarks.ClusterBenchmark
 * [seconds] [examples dir]}.
 */
public final class ClusterBenchmark {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path examples = Path.of(args.length > 1 ? args[1] : "examples");
    List<TroupeNode> nodes = BenchCluster.start(3, "b", b -> b);
    try {
      latency(nodes, examples, seconds);
      throughput(nodes, examples, seconds);
    } finally {
      nodes.forEach(TroupeNode::close);
    }
  }

  private static void latency(List<TroupeNode> nodes, Path examples, int seconds) throws Exception {
    TroupeNode a = nodes.get(0);
    String echo = BenchCluster.idHomedOn(a, nodes.get(1).name(), "echo");
    var manifest = new ManifestParser().parse(examples.resolve("echo/echo.toml"));
    nodes.get(1).system().start(manifest, ActorId.of(echo));
    ManagedChannel ch =
        Grpc.newChannelBuilder(a.grpcAddress(), InsecureChannelCredentials.create()).build();
    try {
      var troupe = TroupeGrpc.newBlockingStub(ch);
      var health = HealthGrpc.newBlockingStub(ch);
      RequestRequest req =
          RequestRequest.newBuilder()
              .setId(echo)
              .setMessageJson(ByteString.copyFromUtf8("{\"payload\":\"" + "x".repeat(80) + "\"}"))
              .build();
      HealthCheckRequest check = HealthCheckRequest.getDefaultInstance();
      IMap<String, byte[]> map = a.hazelcast().getMap("bench.latency");
      byte[] value = new byte[200];
      for (int round = 0; round < 2; round++) { // the first round warms up both paths
        long[] raw = sample(seconds / 3.0, () -> health.check(check));
        long[] set = sample(seconds / 3.0, () -> map.set("k", value));
        long[] cross = sample(seconds / 3.0, () -> troupe.request(req));
        if (round == 1) {
          System.out.printf(
              "cross-node request   p50 %6.0f µs  p99 %6.0f µs  (%d calls)%n",
              pct(cross, 50), pct(cross, 99), cross.length);
          System.out.printf(
              "raw gRPC unary       p50 %6.0f µs  p99 %6.0f µs  (%d calls)%n",
              pct(raw, 50), pct(raw, 99), raw.length);
          System.out.printf(
              "raw IMap.set (sync backup) p50 %6.0f µs  p99 %6.0f µs%n",
              pct(set, 50), pct(set, 99));
          System.out.printf(
              "ratio to raw unary: p50 %.2f×  p99 %.2f×; to raw unary + raw set: p50 %.2f×%n",
              pct(cross, 50) / pct(raw, 50),
              pct(cross, 99) / pct(raw, 99),
              pct(cross, 50) / (pct(raw, 50) + pct(set, 50)));
        }
      }
    } finally {
      ch.shutdownNow();
    }
  }

  private static void throughput(List<TroupeNode> nodes, Path examples, int seconds)
      throws Exception {
    var manifest = new ManifestParser().parse(examples.resolve("counter/counter.toml"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      String id = "counter-" + i;
      String home = nodes.get(0).homeOf(ActorId.of(id)).orElseThrow();
      nodes.stream()
          .filter(n -> n.name().equals(home))
          .findFirst()
          .orElseThrow()
          .system()
          .start(manifest, ActorId.of(id));
      ids.add(id);
    }
    IMap<String, byte[]> raw = nodes.get(0).hazelcast().getMap("bench.raw");
    byte[] value = new byte[200];
    for (int round = 0; round < 2; round++) { // the first round warms up
      double raw4 = rate(seconds / 4.0, 4, (t, i) -> raw.set("k" + t + "-" + (i % 512), value));
      double raw48 = rate(seconds / 4.0, 48, (t, i) -> raw.set("k" + t + "-" + (i % 512), value));
      double msgs64 = messages(nodes, ids, seconds / 4.0, 64);
      double msgs512 = messages(nodes, ids, seconds / 4.0, 512);
      double hot = messages(nodes, ids.subList(0, 6), seconds / 4.0, 512);
      if (round == 1) {
        System.out.printf("raw IMap.set, 1 sync backup,  4 threads: %,9.0f ops/s%n", raw4);
        System.out.printf("raw IMap.set, 1 sync backup, 48 threads: %,9.0f ops/s%n", raw48);
        System.out.printf(
            "replicated messages, 3 nodes,  64 in flight per node: %,9.0f msgs/s (%.1f× raw 4t, %.1f× raw 48t)%n",
            msgs64, msgs64 / raw4, msgs64 / raw48);
        System.out.printf(
            "replicated messages, 3 nodes, 512 in flight per node: %,9.0f msgs/s (%.1f× raw 4t, %.1f× raw 48t)%n",
            msgs512, msgs512 / raw4, msgs512 / raw48);
        System.out.printf(
            "replicated messages, 3 nodes, 6 actors, 512 in flight per node: %,9.0f msgs/s (%.1f× raw 4t, %.1f× raw 48t)%n",
            hot, hot / raw4, hot / raw48);
      }
    }
  }

  /** Sends to the counters through every node's actor system, a window of in-flight sends each. */
  private static double messages(
      List<TroupeNode> nodes, List<String> ids, double seconds, int window)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Thread> drivers = new ArrayList<>();
    for (TroupeNode n : nodes) {
      ActorSystem system = n.system();
      Thread t =
          new Thread(
              () -> {
                Semaphore inFlight = new Semaphore(window);
                int i = 0;
                while (System.nanoTime() < end) {
                  inFlight.acquireUninterruptibly();
                  String id = ids.get(i++ % ids.size());
                  system
                      .send(ActorId.of(id), JsonNodeFactory.instance.numberNode(1))
                      .whenComplete(
                          (v, e) -> {
                            if (e == null) {
                              done.incrementAndGet();
                            }
                            inFlight.release();
                          });
                }
                inFlight.acquireUninterruptibly(window);
              });
      t.start();
      drivers.add(t);
    }
    long start = System.nanoTime();
    for (Thread t : drivers) {
      t.join();
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  interface Op {
    void run(int thread, long i);
  }

  private static double rate(double seconds, int threads, Op op) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                long i = 0;
                while (System.nanoTime() < end) {
                  op.run(thread, i++);
                  done.incrementAndGet();
                }
              });
      th.start();
      ts.add(th);
    }
    long start = System.nanoTime();
    for (Thread t : ts) {
      t.join();
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static long[] sample(double seconds, Runnable call) {
    List<Long> out = new ArrayList<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      call.run();
      out.add(System.nanoTime() - t0);
    }
    long[] a = out.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a;
  }

  private static double pct(long[] sorted, int p) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1000.0;
  }
}
