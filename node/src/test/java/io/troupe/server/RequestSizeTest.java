package io.troupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.troupe.policy.Policy;
import io.troupe.proto.v1.ClusterStatusRequest;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.proto.v1.UploadModuleRequest;
import io.troupe.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client API takes requests up to the largest one a client has reason to send — a module at the
 * node's ceiling, or a message at the actors' — plus a little; anything larger ends with
 * RESOURCE_EXHAUSTED before it is read.
 */
class RequestSizeTest {
  @TempDir Path dir;
  private TroupeNode node;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (node != null) {
      node.close();
    }
  }

  private TroupeGrpc.TroupeBlockingStub start(UnaryOperator<NodeSecurity> security) {
    node =
        TroupeNode.start(
            NodeConfig.builder()
                .name("solo")
                .clusterName("sizes-" + FreePorts.next())
                .grpcPort(0)
                .hzPort(FreePorts.next())
                .store(NodeConfig.MEMORY)
                .security(security.apply(NodeSecurity.none()))
                .build());
    channel =
        Grpc.newChannelBuilder(node.grpcAddress(), InsecureChannelCredentials.create()).build();
    return TroupeGrpc.newBlockingStub(channel);
  }

  @Test
  void anUploadAtTheModuleCeilingReachesTheNode_andALargerRequestDoesNot() {
    TroupeGrpc.TroupeBlockingStub api = start(s -> s);
    // 64 MiB, the most a node takes without a policy: read, and judged (it is no module)
    assertCode(
        () ->
            api.withDeadlineAfter(60, TimeUnit.SECONDS)
                .uploadModule(upload(Policy.MAX_MODULE_BYTES)),
        Status.Code.INVALID_ARGUMENT);

    int limit = NodeServers.maxRequestBytes(Policy.MAX_MODULE_BYTES);
    assertThat(limit).isEqualTo(Policy.MAX_MODULE_BYTES + (1 << 20));
    assertCode(
        () -> api.withDeadlineAfter(60, TimeUnit.SECONDS).uploadModule(upload(limit + 1)),
        Status.Code.RESOURCE_EXHAUSTED);
    assertThat(api.clusterStatus(ClusterStatusRequest.getDefaultInstance()).getThisNode())
        .isEqualTo("solo"); // still serving
  }

  @Test
  void theLimitFollowsThePolicysModuleCeiling_butAMessageAlwaysFits() throws Exception {
    Path policy = dir.resolve("policy.toml");
    Files.writeString(policy, "max_module_bytes = 1048576\n");
    TroupeGrpc.TroupeBlockingStub api = start(s -> s.withPolicy(policy));
    int limit = NodeServers.maxRequestBytes(1 << 20);
    assertThat(limit).isEqualTo((16 << 20) + (1 << 20)); // a 16 MiB message, plus a little

    // a request just past the limit is refused by the transport, naming the limit, unread
    StatusRuntimeException refused =
        catchStatus(() -> api.send(send(limit + 1)), Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getStatus().getDescription()).contains(Integer.toString(limit));
    // one under it is read, and judged by Troupe (no actor takes more than 16 MiB)
    StatusRuntimeException read =
        catchStatus(() -> api.send(send(limit - 1024)), Status.Code.RESOURCE_EXHAUSTED);
    assertThat(read.getStatus().getDescription()).contains("larger than any actor takes (16 MiB)");
  }

  private static UploadModuleRequest upload(int bytes) {
    return UploadModuleRequest.newBuilder().setModule(ByteString.copyFrom(new byte[bytes])).build();
  }

  private static SendRequest send(int bytes) {
    byte[] json = new byte[bytes];
    java.util.Arrays.fill(json, (byte) '[');
    return SendRequest.newBuilder()
        .setId("nobody")
        .setMessageJson(ByteString.copyFrom(json))
        .build();
  }

  private static void assertCode(ThrowingCallable call, Status.Code code) {
    catchStatus(call, code);
  }

  private static StatusRuntimeException catchStatus(ThrowingCallable call, Status.Code code) {
    StatusRuntimeException[] caught = new StatusRuntimeException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
              caught[0] = e;
            });
    return caught[0];
  }
}
