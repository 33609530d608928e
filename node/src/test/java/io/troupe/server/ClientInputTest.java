package io.troupe.server;

import static io.troupe.server.ClusterTest.startRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.proto.v1.StartActorRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sends is bounded and trusted with nothing: a manifest reads none of the node's
 * files, whatever it names; an oversized message is refused before it is parsed.
 */
class ClientInputTest {
  static TroupeNode node;
  static ManagedChannel channel;
  static TroupeGrpc.TroupeBlockingStub api;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("solo")
                .clusterName("manifests-" + FreePorts.next())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .store(NodeConfig.MEMORY)
                .build());
    channel =
        Grpc.newChannelBuilder(node.grpcAddress(), InsecureChannelCredentials.create()).build();
    api = TroupeGrpc.newBlockingStub(channel);
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

  @Test
  void anInitStateFileOnTheNodeIsRefusedWithoutShowingIt() throws Exception {
    Path secret = dir.resolve("server-side.json");
    Files.writeString(secret, "{\"password\": \"hunter2\"}");
    for (String path : new String[] {secret.toString(), "/etc/hostname", "../../etc/passwd"}) {
      StartActorRequest req =
          withManifest("init_state = \"" + path + "\"\n", "echo-" + path.length());
      assertThatThrownBy(() -> api.startActor(req))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .contains("'init_state' = '" + path + "' names a file")
                    .doesNotContain("hunter2")
                    .doesNotContain("Unrecognized token");
              });
    }
  }

  @Test
  void aModuleFileOnTheNodeIsRefusedUnlessTheClientSendsTheModule() {
    StartActorRequest req =
        withManifest("", "zero").toBuilder().clearModuleBytes().build(); // module = "echo.wat"
    StartActorRequest zero =
        req.toBuilder()
            .setManifestToml(req.getManifestToml().replace("echo.wat", "/dev/zero"))
            .build();
    long heapBefore = usedHeap();
    for (StartActorRequest r : new StartActorRequest[] {req, zero}) {
      assertThatThrownBy(() -> api.startActor(r))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .contains("names a file, and a node reads no files for a client");
              });
    }
    assertThat(usedHeap() - heapBefore).isLessThan(64L << 20);
    assertThatThrownBy(
            () -> api.startActor(req.toBuilder().setModuleRef("/dev/zero").setId("z2").build()))
        .hasMessageContaining("must be the sha256: ref of an uploaded module");
    // with its module sent, the same manifest starts
    assertThat(api.startActor(withManifest("", "echo-sent")).getId()).isEqualTo("echo-sent");
  }

  @Test
  void anActorAClientStartedSpawnsNoChildFromANodeFile() {
    StartActorRequest req = startRequest("supervisor-tree/supervisor.toml", "sup");
    assertThatThrownBy(() -> api.startActor(req))
        .hasMessageContaining("'worker.toml' names a manifest file")
        .hasMessageContaining("give the child's manifest inline");
  }

  @Test
  void aSixtyMegabyteSendIsRefusedBeforeItIsParsed() {
    api.startActor(withManifest("", "echo-big"));
    byte[] big = new byte[60 << 20];
    java.util.Arrays.fill(big, (byte) '[');
    assertThatThrownBy(
            () ->
                api.send(
                    io.troupe.proto.v1.SendRequest.newBuilder()
                        .setId("echo-big")
                        .setMessageJson(com.google.protobuf.ByteString.copyFrom(big))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("a message of 62914560 bytes is larger than any actor takes (16 MiB)");
            });
    assertThat(ClusterTest.request(api, "echo-big", "[1]")).isEqualTo("[1]"); // still fine
  }

  @Test
  void extraTextAfterAJsonValueIsRefused_notCut() {
    api.startActor(withManifest("", "echo-trailing"));
    for (String text : java.util.List.of("1 2", "{\"a\":1} x", "[1]]", "\"s\" \"t\"")) {
      assertThatThrownBy(
              () ->
                  api.send(
                      io.troupe.proto.v1.SendRequest.newBuilder()
                          .setId("echo-trailing")
                          .setMessageJson(com.google.protobuf.ByteString.copyFromUtf8(text))
                          .build()))
          .as(text)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                    .startsWith("message is not valid JSON: extra text after the value, at line 1")
                    .doesNotContain("jackson");
              });
    }
    assertThat(ClusterTest.request(api, "echo-trailing", " [1]\n")).isEqualTo("[1]");
  }

  /** Errors carry google.rpc.Status details: the kind as ErrorInfo, the field at fault. */
  @Test
  void anErrorCarriesItsKindAndTheFieldAtFault_asGoogleRpcStatusDetails() throws Exception {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () ->
                api.send(
                    io.troupe.proto.v1.SendRequest.newBuilder()
                        .setId("no spaces allowed")
                        .setMessageJson(com.google.protobuf.ByteString.copyFromUtf8("1"))
                        .build()));
    com.google.rpc.Status details = io.grpc.protobuf.StatusProto.fromThrowable(e);
    assertThat(details).isNotNull();
    assertThat(details.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(details.getMessage()).isEqualTo(e.getStatus().getDescription());
    var info =
        details.getDetailsList().stream()
            .filter(any -> any.is(com.google.rpc.ErrorInfo.class))
            .findFirst()
            .orElseThrow();
    assertThat(info.unpack(com.google.rpc.ErrorInfo.class).getReason())
        .isEqualTo("INVALID_ARGUMENT");
    assertThat(info.unpack(com.google.rpc.ErrorInfo.class).getDomain()).isEqualTo("troupe.io");
    var bad =
        details.getDetailsList().stream()
            .filter(any -> any.is(com.google.rpc.BadRequest.class))
            .findFirst()
            .orElseThrow();
    assertThat(bad.unpack(com.google.rpc.BadRequest.class).getFieldViolations(0).getField())
        .isEqualTo("id");
    // an error without a field: ErrorInfo only
    var missing =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () ->
                api.describeActor(
                    io.troupe.proto.v1.DescribeActorRequest.newBuilder().setId("nobody").build()));
    com.google.rpc.Status notFound = io.grpc.protobuf.StatusProto.fromThrowable(missing);
    assertThat(notFound.getDetailsCount()).isEqualTo(1);
    assertThat(notFound.getDetails(0).is(com.google.rpc.ErrorInfo.class)).isTrue();
  }

  /** One module reference everywhere: what UploadModule returns is what the actor shows. */
  @Test
  void theUploadRefIsTheActorsModuleRef_andStartsAnotherActor() {
    StartActorRequest echo = startRequest("echo/echo.toml", "echo-ref-1");
    String ref =
        api.uploadModule(
                io.troupe.proto.v1.UploadModuleRequest.newBuilder()
                    .setModule(echo.getModuleBytes()) // WAT text
                    .build())
            .getRef();
    api.startActor(echo.toBuilder().setModuleRef(ref).build());
    var described =
        api.describeActor(
            io.troupe.proto.v1.DescribeActorRequest.newBuilder().setId("echo-ref-1").build());
    assertThat(described.getModule()).isEqualTo(ref);
    // the description's module starts another actor
    api.startActor(
        echo.toBuilder().setId("echo-ref-2").setModuleRef(described.getModule()).build());
    assertThat(ClusterTest.request(api, "echo-ref-2", "[2]")).isEqualTo("[2]");
    // and the chain's genesis records the same
    var first =
        api.getChain(
                io.troupe.proto.v1.GetChainRequest.newBuilder()
                    .setId("echo-ref-1")
                    .setToSeq(1)
                    .build())
            .next();
    assertThat(first.getData().toStringUtf8()).contains(ref.substring("sha256:".length()));
  }

  private static StartActorRequest withManifest(String extra, String id) {
    StartActorRequest echo = startRequest("echo/echo.toml", id);
    return echo.toBuilder().setManifestToml(extra + "\n" + echo.getManifestToml()).build();
  }

  private static long usedHeap() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
