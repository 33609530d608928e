package io.troupe.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import io.troupe.actor.ActorId;
import io.troupe.manifest.ManifestParser;
import io.troupe.server.TroupeNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Throughput of a burst of slow operations, all started by actors on one node, with that node alone
 * and with three nodes (in this JVM) sharing the work through the dispatcher. Two kinds: slow HTTP
 * GETs (a local server answers after {@code delay} ms: waiting, not CPU) and {@code compute.sha256}
 * (CPU). Baseline: the same GETs sent by plain {@code HttpClient} with the same concurrency as one
 * node's worker slots. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.troupe.benchmarks.DispatchBenchmark [delay ms] [examples dir]}.
 */
public final class DispatchBenchmark {
  static final int SLOTS = 4;
  static final int ACTORS = 12;
  static final int EACH = 8; // fetcher's max_pending_ops

  public static void main(String[] args) throws Exception {
    int delay = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    Path examples = Path.of(args.length > 1 ? args[1] : "examples");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/slow",
        ex -> {
          try {
            Thread.sleep(delay); // the slow remote service being measured against
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = "ok".getBytes();
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/slow";
    try {
      double raw = baseline(url, ACTORS * EACH);
      System.out.printf(
          "baseline: %d GETs, %d at a time, plain HttpClient: %.0f ms%n",
          ACTORS * EACH, SLOTS, raw);
      for (int round = 0; round < 2; round++) { // the first round warms up
        double one = run(1, examples, url, "http");
        double three = run(3, examples, url, "http");
        double cpuOne = run(1, examples, url, "sha256");
        double cpuThree = run(3, examples, url, "sha256");
        if (round == 1) {
          System.out.printf(
              "slow GET burst (%d ops, %d ms each): 1 node %.0f ms, 3 nodes %.0f ms: %.2f× faster;"
                  + " 1 node vs baseline %.2f×%n",
              ACTORS * EACH, delay, one, three, one / three, one / raw);
          System.out.printf(
              "sha256 burst (%d ops, CPU): 1 node %.0f ms, 3 nodes %.0f ms: %.2f× faster"
                  + " (%d cores here)%n",
              ACTORS * EACH,
              cpuOne,
              cpuThree,
              cpuOne / cpuThree,
              Runtime.getRuntime().availableProcessors());
        }
      }
    } catch (Exception e) {
      e.printStackTrace();
      throw e;
    } finally {
      server.stop(0);
      System.exit(0);
    }
  }

  private static double baseline(String url, int n) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    Semaphore slots = new Semaphore(SLOTS);
    List<CompletableFuture<?>> all = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      slots.acquire();
      all.add(
          client
              .sendAsync(
                  HttpRequest.newBuilder(URI.create(url)).build(),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete((r, e) -> slots.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Milliseconds from the first send to the last result, for a burst from node 0's actors. */
  private static double run(int n, Path examples, String url, String kind) throws Exception {
    List<TroupeNode> nodes = BenchCluster.start(n, "dispatch", b -> b.workerSlots(SLOTS));
    try {
      Thread.sleep(500); // loads are published every 200 ms: let every node see the others
      TroupeNode home = nodes.get(0);
      var manifest =
          new ManifestParser()
              .parse(
                  examples.resolve(
                      kind.equals("http") ? "http-fetcher/fetcher.toml" : "hasher/hasher.toml"));
      List<ActorId> ids = new ArrayList<>();
      for (int i = 0; i < ACTORS; i++) {
        ActorId id = ActorId.of(BenchCluster.idHomedOn(home, home.name(), kind + "-" + i));
        home.system().start(manifest, id);
        ids.add(id);
      }
      long before = ran(nodes);
      var f = JsonNodeFactory.instance;
      long t0 = System.nanoTime();
      for (int k = 0; k < EACH; k++) {
        for (ActorId id : ids) {
          var message =
              kind.equals("http")
                  ? f.objectNode().put("url", url)
                  : f.arrayNode().add(id.value() + k).add(50_000);
          home.system().send(id, message).join();
        }
      }
      while (ran(nodes) - before < (long) ACTORS * EACH) {
        Thread.sleep(5); // polling counters: the results arrive on other threads
      }
      return (System.nanoTime() - t0) / 1e6;
    } finally {
      nodes.forEach(TroupeNode::close);
    }
  }

  private static long ran(List<TroupeNode> nodes) {
    return nodes.stream().mapToLong(x -> x.system().hosting().dispatcher().pool().ran()).sum();
  }
}
