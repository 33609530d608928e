package io.troupe.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.manifest.ManifestParser;
import io.troupe.proto.v1.GetChainRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.server.NodeConfig;
import io.troupe.server.TroupeNode;
import io.troupe.testing.FreePorts;
import io.troupe.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durable store's figures, each beside its raw baseline measured in the same run on the same
 * database:
 *
 * <ol>
 *   <li>acknowledged sends/s through a node on SQLite (WAL, synchronous=FULL) and on PostgreSQL,
 *       against single-row INSERT transactions on the same database, and against the same node on
 *       the in-memory store;
 *   <li>recovery time of one actor after a restart, by chain length (checkpoints keep it flat);
 *   <li>chain export (GetChain over gRPC) in MB/s.
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.troupe.benchmarks.StoreBenchmark
 * [seconds] [examples dir]} (PostgreSQL from Debian's package, started in a temp dir).
 */
public final class StoreBenchmark {
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path examples = Path.of(args.length > 1 ? args[1] : "examples");
    Path dir = Files.createTempDirectory("troupe-store-bench");
    try (PostgresServer pg = PostgresServer.start()) {
      for (int round = 0; round < 2; round++) { // the first round warms up
        Path sqlite = Files.createDirectories(dir.resolve("sqlite-" + round));
        double rawSqlite = rawInserts("jdbc:sqlite:" + sqlite.resolve("raw.db"), seconds / 4.0);
        String pgRawUrl = pg.createDatabase("raw" + round);
        double rawPg = rawInserts(pgRawUrl, seconds / 4.0);
        double memory = sends(NodeConfig.MEMORY, sqlite, examples, seconds / 4.0);
        double onSqlite = sends(NodeConfig.SQLITE, sqlite, examples, seconds / 4.0);
        double onPg = sends(pg.createDatabase("troupe" + round), sqlite, examples, seconds / 4.0);
        if (round == 1) {
          System.out.printf("raw SQLite single-row commits:  %,9.0f rows/s%n", rawSqlite);
          System.out.printf("raw PostgreSQL single-row commits: %,9.0f rows/s%n", rawPg);
          System.out.printf("acknowledged sends, memory store:  %,9.0f msgs/s%n", memory);
          System.out.printf(
              "acknowledged sends, SQLite store:  %,9.0f msgs/s (%.1f× raw SQLite, %.2f× memory)%n",
              onSqlite, onSqlite / rawSqlite, onSqlite / memory);
          System.out.printf(
              "acknowledged sends, PostgreSQL store: %,9.0f msgs/s (%.1f× raw PostgreSQL, %.2f× memory)%n",
              onPg, onPg / rawPg, onPg / memory);
        }
      }
      for (int sends : new int[] {300, 3_000, 30_000}) {
        recovery(dir.resolve("recovery-" + sends), examples, sends);
      }
    }
  }

  /** Single-row INSERT transactions from one thread: what the database does without batching. */
  private static double rawInserts(String url, double seconds) throws Exception {
    Properties p = new Properties();
    if (url.startsWith("jdbc:sqlite:")) {
      p.setProperty("journal_mode", "WAL");
      p.setProperty("synchronous", "FULL");
    }
    try (Connection c = DriverManager.getConnection(url, p)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS raw (k TEXT, v TEXT)");
      }
      c.setAutoCommit(false);
      long n = 0;
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      try (PreparedStatement s = c.prepareStatement("INSERT INTO raw (k, v) VALUES (?, ?)")) {
        while (System.nanoTime() < end) {
          s.setString(1, "k" + n);
          s.setString(2, "{\"n\":" + n + "}");
          s.executeUpdate();
          c.commit();
          n++;
        }
      }
      return n / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** 16 counters, 256 sends in flight, through one node's actor system. */
  private static double sends(String store, Path dataDir, Path examples, double seconds)
      throws Exception {
    Path data = Files.createTempDirectory(dataDir, "node");
    TroupeNode node = node(store, data);
    try {
      var manifest = new ManifestParser().parse(examples.resolve("counter/counter.toml"));
      List<ActorId> ids = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        ids.add(ActorId.of("counter-" + i));
        node.system().start(manifest, ids.get(i));
      }
      return rate(node.system(), ids, seconds, 256);
    } finally {
      node.close();
    }
  }

  private static TroupeNode node(String store, Path data) {
    return TroupeNode.start(
        NodeConfig.builder()
            .name("bench")
            .clusterName("bench-" + data.getFileName())
            .grpcPort(0)
            .hzPort(FreePorts.next())
            .store(store)
            .dataDir(data)
            .build());
  }

  private static double rate(ActorSystem system, List<ActorId> ids, double seconds, int window) {
    AtomicLong done = new AtomicLong();
    Semaphore inFlight = new Semaphore(window);
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    int i = 0;
    while (System.nanoTime() < end) {
      inFlight.acquireUninterruptibly();
      system
          .send(ids.get(i++ % ids.size()), JsonNodeFactory.instance.numberNode(1))
          .whenComplete(
              (v, e) -> {
                if (e == null) {
                  done.incrementAndGet();
                }
                inFlight.release();
              });
    }
    inFlight.acquireUninterruptibly(window);
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * A counter with {@code sends} sends (3 events each), the node stopped and started again: how
   * long until the counter serves (beside the start of a node with an empty store), and how fast
   * its whole chain exports over gRPC.
   */
  private static void recovery(Path data, Path examples, int sends) throws Exception {
    Files.createDirectories(data);
    ActorId id = ActorId.of("long");
    TroupeNode first = node(NodeConfig.SQLITE, data);
    try {
      first
          .system()
          .start(new ManifestParser().parse(examples.resolve("counter/counter.toml")), id);
      AtomicLong left = new AtomicLong(sends);
      Semaphore inFlight = new Semaphore(64);
      for (int i = 0; i < sends; i++) {
        inFlight.acquireUninterruptibly();
        first
            .system()
            .send(id, JsonNodeFactory.instance.numberNode(1))
            .whenComplete((v, e) -> inFlight.release());
      }
      inFlight.acquireUninterruptibly(64);
    } finally {
      first.close();
    }
    long t0 = System.nanoTime();
    TroupeNode empty = node(NodeConfig.SQLITE, Files.createTempDirectory(data, "empty"));
    long emptyStart = System.nanoTime() - t0;
    empty.close();

    long t1 = System.nanoTime();
    TroupeNode again = node(NodeConfig.SQLITE, data);
    try {
      while (again.system().find(id).isEmpty()) {
        Thread.sleep(1); // waiting for the recovery to bring it back
      }
      long total =
          again
              .system()
              .request(
                  id, JsonNodeFactory.instance.textNode("total?"), java.time.Duration.ofSeconds(30))
              .join()
              .asLong();
      long recovered = System.nanoTime() - t1;
      long length = again.records().require(id).chainLength();
      ManagedChannel ch =
          Grpc.newChannelBuilder(again.grpcAddress(), InsecureChannelCredentials.create()).build();
      long bytes = 0;
      long events = 0;
      long t2 = System.nanoTime();
      try {
        var it =
            TroupeGrpc.newBlockingStub(ch)
                .getChain(GetChainRequest.newBuilder().setId(id.value()).build());
        while (it.hasNext()) {
          bytes += it.next().getSerializedSize();
          events++;
        }
      } finally {
        ch.shutdownNow();
      }
      double exportSeconds = (System.nanoTime() - t2) / 1e9;
      System.out.printf(
          "chain of %,9d events (total %d): node start + recovery %,6.0f ms (an empty node starts in"
              + " %,6.0f ms); export %,d events in %.2f s = %.1f MB/s%n",
          length,
          total,
          recovered / 1e6,
          emptyStart / 1e6,
          events,
          exportSeconds,
          bytes / 1e6 / exportSeconds);
    } finally {
      again.close();
    }
  }
}
