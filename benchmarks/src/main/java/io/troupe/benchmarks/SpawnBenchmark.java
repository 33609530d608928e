package io.troupe.benchmarks;

import com.dylibso.chicory.runtime.Instance;
import com.google.protobuf.ByteString;
import com.hazelcast.map.IMap;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.proto.v1.UploadModuleRequest;
import io.troupe.server.TroupeNode;
import io.troupe.wasm.ExecutionMode;
import io.troupe.wasm.LoadedModule;
import io.troupe.wasm.WasmEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Spawning (issue: speed, target 1): {@code StartActor} of the counter example by its uploaded
 * module's ref, one at a time (latency) and from 16 client threads (starts per second), beside a
 * raw {@code IMap.set} and a raw instantiation of an already-compiled module in the same run. One
 * node in this JVM, the client in this JVM over gRPC.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.troupe.benchmarks.SpawnBenchmark 2000 examples
 * }</pre>
 */
public final class SpawnBenchmark {
  private SpawnBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Path examples = Path.of(args.length > 1 ? args[1] : "examples");
    TroupeNode node = BenchCluster.start(1, "spawn", b -> b).get(0);
    ManagedChannel ch =
        Grpc.newChannelBuilder(node.grpcAddress(), InsecureChannelCredentials.create()).build();
    try {
      var api = TroupeGrpc.newBlockingStub(ch);
      String toml = Files.readString(examples.resolve("counter/counter.toml"));
      byte[] wat = Files.readAllBytes(examples.resolve("counter/counter.wat"));
      String ref =
          api.uploadModule(
                  UploadModuleRequest.newBuilder().setModule(ByteString.copyFrom(wat)).build())
              .getRef();
      IMap<String, byte[]> map = node.hazelcast().getMap("bench.spawn");
      byte[] value = new byte[200];
      LoadedModule tiny =
          new WasmEngine(ExecutionMode.COMPILER)
              .load("(module (memory 1) (func (export \"f\")))".getBytes(StandardCharsets.UTF_8));
      AtomicInteger ids = new AtomicInteger();
      for (int round = 0; round < 2; round++) { // the first round warms up
        long[] set = new long[count];
        long[] inst = new long[count];
        long[] start = new long[count];
        for (int i = 0; i < count; i++) {
          long t0 = System.nanoTime();
          map.set("k" + (i % 64), value);
          long t1 = System.nanoTime();
          Instance.builder(tiny.module()).withMachineFactory(tiny.machineFactory()).build();
          long t2 = System.nanoTime();
          api.startActor(request(toml, ref, "s-" + ids.incrementAndGet()));
          long t3 = System.nanoTime();
          set[i] = t1 - t0;
          inst[i] = t2 - t1;
          start[i] = t3 - t2;
        }
        double rate = concurrent(api, toml, ref, ids, 16, 5);
        if (round == 1) {
          System.out.printf(
              "StartActor by ref   p50 %7.0f µs  p99 %7.0f µs  (%d, one at a time)%n",
              pct(start, 50), pct(start, 99), count);
          System.out.printf(
              "raw IMap.set        p50 %7.0f µs  p99 %7.0f µs%n", pct(set, 50), pct(set, 99));
          System.out.printf(
              "raw instantiation   p50 %7.0f µs  p99 %7.0f µs  (compiled module, no imports)%n",
              pct(inst, 50), pct(inst, 99));
          System.out.printf("StartActor by ref, 16 client threads: %.0f starts/s%n", rate);
          System.out.printf(
              "ratio: p50 %.1f× raw IMap.set, %.1f× (IMap.set + instantiation)%n",
              pct(start, 50) / pct(set, 50), pct(start, 50) / (pct(set, 50) + pct(inst, 50)));
        }
      }
      System.out.printf("actors on the node: %d%n", node.system().hosting().residents().size());
    } finally {
      ch.shutdownNow();
      node.close();
    }
  }

  private static StartActorRequest request(String toml, String ref, String id) {
    return StartActorRequest.newBuilder().setManifestToml(toml).setModuleRef(ref).setId(id).build();
  }

  private static double concurrent(
      TroupeGrpc.TroupeBlockingStub api,
      String toml,
      String ref,
      AtomicInteger ids,
      int threads,
      int seconds)
      throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger done = new AtomicInteger();
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th =
          new Thread(
              () -> {
                while (running.get()) {
                  api.startActor(request(toml, ref, "s-" + ids.incrementAndGet()));
                  done.incrementAndGet();
                }
              });
      th.start();
      all.add(th);
    }
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    running.set(false);
    for (Thread th : all) {
      th.join();
    }
    return done.get() / ((System.nanoTime() - t0) / 1e9);
  }

  private static double pct(long[] nanos, int p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1000.0;
  }
}
