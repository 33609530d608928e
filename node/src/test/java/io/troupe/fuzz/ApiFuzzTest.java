package io.troupe.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.proto.v1.ClusterStatusRequest;
import io.troupe.proto.v1.DescribeActorRequest;
import io.troupe.proto.v1.GetChainRequest;
import io.troupe.proto.v1.GetStateRequest;
import io.troupe.proto.v1.ListActorsRequest;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.StopActorRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.proto.v1.UploadModuleRequest;
import io.troupe.proto.v1.VerifyChainRequest;
import io.troupe.server.NodeConfig;
import io.troupe.server.TroupeNode;
import io.troupe.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Client-API requests with any field values, against a real node in this process: every call ends
 * with a documented status (never INTERNAL or UNKNOWN, never a hang), and the node stays up.
 */
class ApiFuzzTest {
  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final Metadata.Key<String> KIND =
      Metadata.Key.of("troupe-error-kind", Metadata.ASCII_STRING_MARSHALLER);
  private static final List<String> IDS = List.of("counter", "echo", "nobody");

  private static TroupeNode node;
  private static ManagedChannel channel;
  private static TroupeGrpc.TroupeBlockingStub client;

  @BeforeAll
  static void start() throws Exception {
    node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("fuzz")
                .clusterName("fuzz-" + FreePorts.next())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .store(NodeConfig.MEMORY)
                .build());
    channel =
        Grpc.newChannelBuilder(node.grpcAddress(), InsecureChannelCredentials.create()).build();
    client = TroupeGrpc.newBlockingStub(channel);
    client.startActor(start("counter/counter.toml", "counter"));
    client.startActor(start("echo/echo.toml", "echo"));
  }

  @AfterAll
  static void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (node != null) {
      node.close();
    }
  }

  private static StartActorRequest start(String example, String id) throws Exception {
    Path manifest = EXAMPLES.resolve(example);
    String toml = Files.readString(manifest);
    String module = toml.lines().filter(l -> l.startsWith("module")).findFirst().orElseThrow();
    String file = module.substring(module.indexOf('"') + 1, module.lastIndexOf('"'));
    return StartActorRequest.newBuilder()
        .setManifestToml(toml)
        .setModuleBytes(ByteString.copyFrom(Files.readAllBytes(manifest.resolveSibling(file))))
        .setId(id)
        .build();
  }

  @FuzzTest(maxDuration = "20s")
  void anyRequestEndsWithADocumentedStatus(FuzzedDataProvider data) {
    TroupeGrpc.TroupeBlockingStub c = client.withDeadlineAfter(10, TimeUnit.SECONDS);
    int call = data.consumeInt(0, 11);
    String id = data.consumeBoolean() ? data.pickValue(IDS) : data.consumeString(40);
    try {
      switch (call) {
        case 0 ->
            c.uploadModule(
                UploadModuleRequest.newBuilder()
                    .setModule(ByteString.copyFrom(data.consumeBytes(2000)))
                    .build());
        case 1 -> {
          StartActorRequest.Builder b =
              StartActorRequest.newBuilder()
                  .setManifestToml(data.consumeString(500))
                  .setId(IDS.contains(id) ? id + "-x" : id);
          if (data.consumeBoolean()) {
            b.setModuleBytes(ByteString.copyFrom(data.consumeBytes(500)));
          } else {
            b.setModuleRef(data.consumeString(80));
          }
          c.startActor(b.build());
        }
        case 2 -> {
          if (!IDS.contains(id)) {
            c.stopActor(StopActorRequest.newBuilder().setId(id).build());
          }
        }
        case 3 -> c.listActors(ListActorsRequest.getDefaultInstance());
        case 4 -> c.describeActor(DescribeActorRequest.newBuilder().setId(id).build());
        case 5 ->
            c.send(
                SendRequest.newBuilder()
                    .setId(id)
                    .setMessageJson(ByteString.copyFrom(data.consumeBytes(300)))
                    .setMessageId(data.consumeString(20))
                    .build());
        case 6 ->
            c.request(
                RequestRequest.newBuilder()
                    .setId(id)
                    .setMessageJson(ByteString.copyFrom(data.consumeBytes(300)))
                    .setMessageId(data.consumeString(20))
                    .setTimeoutMs(data.consumeInt(0, 2000))
                    .build());
        case 7 ->
            c.getChain(
                    GetChainRequest.newBuilder()
                        .setId(id)
                        .setFromSeq(data.consumeLong())
                        .setToSeq(data.consumeLong())
                        .build())
                .forEachRemaining(e -> {});
        case 8 -> c.verifyChain(VerifyChainRequest.newBuilder().setId(id).build());
        case 9 -> c.getState(GetStateRequest.newBuilder().setId(id).build());
        case 10 -> c.clusterStatus(ClusterStatusRequest.getDefaultInstance());
        default -> c.describeActor(DescribeActorRequest.newBuilder().setId(id).build());
      }
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      boolean hang =
          code == Status.Code.DEADLINE_EXCEEDED
              && (e.getTrailers() == null || e.getTrailers().get(KIND) == null);
      if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN || hang) {
        throw new AssertionError("call " + call + " ended with " + e.getStatus(), e);
      }
    }
  }
}
