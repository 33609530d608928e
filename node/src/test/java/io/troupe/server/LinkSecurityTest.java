package io.troupe.server;

import static io.troupe.server.ClusterTest.request;
import static io.troupe.server.ClusterTest.startRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.troupe.actor.ActorId;
import io.troupe.home.NodeRef;
import io.troupe.proto.v1.Deliver;
import io.troupe.proto.v1.Envelope;
import io.troupe.proto.v1.EnvelopeBatch;
import io.troupe.proto.v1.Hello;
import io.troupe.proto.v1.NodeLinkGrpc;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.security.LocalCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node links answer only the cluster's members: on their own port, never on the client API's; a
 * made-up Hello gets an error and nothing it sends reaches an actor; with cluster TLS, only a
 * certificate from the cluster's CA that names the member gets in, and only one naming a member may
 * make the client calls members forward.
 */
class LinkSecurityTest {
  @TempDir Path certs;
  private TestCluster cluster;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aStrangersHelloIsRefusedAndItsDeliveryReachesNoActor() throws Exception {
    cluster = TestCluster.start(1, b -> b);
    TroupeNode node = cluster.node(0);
    var api = cluster.client(0);
    api.startActor(startRequest("echo/echo.toml", "echo"));

    // the client API port does not serve node links at all
    Stream onApiPort = dial(node.grpcAddress(), InsecureChannelCredentials.create());
    onApiPort.hello("intruder", UUID.randomUUID().toString());
    assertThat(onApiPort.error()).isEqualTo(Status.Code.UNIMPLEMENTED);

    Stream forged = dial(node.linkAddress(), InsecureChannelCredentials.create());
    forged.hello("intruder", UUID.randomUUID().toString());
    forged.request("echo", "[\"stolen?\"]");
    StatusRuntimeException refused = forged.errorException();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused).hasMessageContaining("'intruder' is not a member of this cluster");
    assertThat(forged.replies).isEmpty();

    // a Hello with this node's own identity is refused too (it is no peer of itself)
    NodeRef self = node.members().self();
    Stream mimic = dial(node.linkAddress(), InsecureChannelCredentials.create());
    mimic.hello(self.name(), self.member());
    mimic.request("echo", "[\"stolen?\"]");
    assertThat(mimic.error()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(mimic.replies).isEmpty();
    assertThat(node.system().get(ActorId.of("echo")).chain())
        .noneMatch(e -> e.dataAsString().contains("stolen"));
  }

  @Test
  void withClusterTlsNodesLinkOnlyWithCertificatesOfTheirCaNamingThem() throws Exception {
    LocalCa ca = LocalCa.create("test cluster CA");
    ca.self().writeTo(certs, "ca");
    for (String n : List.of("n0", "n1")) {
      ca.issue(n, List.of(n), List.of()).writeTo(certs, n);
    }
    cluster =
        TestCluster.start(
            2,
            (i, b) ->
                b.security(
                    NodeSecurity.none()
                        .withClusterTls(
                            certs.resolve("ca.pem"),
                            certs.resolve("n" + i + ".pem"),
                            certs.resolve("n" + i + ".key"))));
    // the links carry a request from one node to an actor on the other
    String id = "echo";
    for (int i = 0; !cluster.node(0).ownerOf(ActorId.of(id)).orElseThrow().equals("n1"); i++) {
      id = "echo-" + i;
    }
    cluster.client(1).startActor(startRequest("echo/echo.toml", id));
    assertThat(request(cluster.client(0), id, "[1]")).isEqualTo("[1]");

    TroupeNode n0 = cluster.node(0);
    NodeRef n1 = cluster.node(1).members().self();
    // plaintext: no handshake
    Stream plain = dial(n0.linkAddress(), InsecureChannelCredentials.create());
    plain.hello(n1.name(), n1.member());
    assertThat(plain.error()).isEqualTo(Status.Code.UNAVAILABLE);

    // a certificate of another CA: no handshake
    LocalCa other = LocalCa.create("someone else's CA");
    other.issue("n1", List.of("n1"), List.of()).writeTo(certs, "forged-n1");
    Stream foreign = dial(n0.linkAddress(), tls("forged-n1", "ca"));
    foreign.hello(n1.name(), n1.member());
    assertThat(foreign.error()).isEqualTo(Status.Code.UNAVAILABLE);

    // the cluster's CA, but a certificate naming someone else
    ca.issue("n9", List.of("n9"), List.of()).writeTo(certs, "n9");
    Stream misnamed = dial(n0.linkAddress(), tls("n9", "ca"));
    misnamed.hello(n1.name(), n1.member());
    misnamed.request(id, "[\"stolen?\"]");
    StatusRuntimeException refused = misnamed.errorException();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused).hasMessageContaining("the certificate presented does not name node n1");
    assertThat(misnamed.replies).isEmpty();
    assertThat(request(cluster.client(0), id, "[2]")).isEqualTo("[2]"); // the real link still works

    // the same certificate on the client calls members forward: refused, it names no member
    TroupeGrpc.TroupeBlockingStub stranger = forwardedApi(n0.linkAddress(), tls("n9", "ca"));
    String target = id;
    assertThatThrownBy(() -> request(stranger, target, "[\"stolen?\"]"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "forwarded call refused: the certificate presented names no member of this"
                          + " cluster (n9)");
            });
    assertThatThrownBy(() -> stranger.startActor(startRequest("echo/echo.toml", "planted")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(n0.records().describe(ActorId.of("planted"))).isEmpty();
    // a member's certificate is taken
    assertThat(request(forwardedApi(n0.linkAddress(), tls("n1", "ca")), id, "[3]"))
        .isEqualTo("[3]");
    assertThat(request(cluster.client(0), id, "[4]")).isEqualTo("[4]");
    assertThat(cluster.node(1).system().get(ActorId.of(id)).chain())
        .noneMatch(e -> e.dataAsString().contains("stolen"));
  }

  /** The client API as members forward it, on a node's link port. */
  private TroupeGrpc.TroupeBlockingStub forwardedApi(String address, ChannelCredentials tls) {
    ManagedChannel c = Grpc.newChannelBuilder(address, tls).overrideAuthority("n0").build();
    channels.add(c);
    return TroupeGrpc.newBlockingStub(c);
  }

  private ChannelCredentials tls(String cert, String ca) throws Exception {
    return TlsChannelCredentials.newBuilder()
        .keyManager(certs.resolve(cert + ".pem").toFile(), certs.resolve(cert + ".key").toFile())
        .trustManager(certs.resolve(ca + ".pem").toFile())
        .build();
  }

  private Stream dial(String address, ChannelCredentials credentials) {
    var b = Grpc.newChannelBuilder(address, credentials);
    if (!(credentials instanceof InsecureChannelCredentials)) {
      b.overrideAuthority("n0");
    }
    ManagedChannel c = b.build();
    channels.add(c);
    Stream s = new Stream();
    s.out = NodeLinkGrpc.newStub(c).link(s);
    return s;
  }

  /** A raw NodeLink stream, as a stranger would open one. */
  static final class Stream implements StreamObserver<EnvelopeBatch> {
    StreamObserver<EnvelopeBatch> out;
    final List<Envelope> replies = new ArrayList<>();
    final BlockingQueue<Throwable> ended = new LinkedBlockingQueue<>();

    void hello(String node, String uuid) {
      send(Envelope.newBuilder().setHello(Hello.newBuilder().setNode(node).setMemberUuid(uuid)));
    }

    void request(String actor, String json) {
      send(
          Envelope.newBuilder()
              .setDeliver(
                  Deliver.newBuilder()
                      .setCorrelation(1)
                      .setKind(Deliver.Kind.REQUEST)
                      .setMessageId(UUID.randomUUID().toString())
                      .setTarget(actor)
                      .setMessageJson(ByteString.copyFrom(json, StandardCharsets.UTF_8))));
    }

    private void send(Envelope.Builder e) {
      try {
        out.onNext(EnvelopeBatch.newBuilder().addEnvelopes(e).build());
      } catch (RuntimeException ignored) {
        // the call ended already
      }
    }

    StatusRuntimeException errorException() throws InterruptedException {
      Throwable t = ended.poll(20, TimeUnit.SECONDS);
      assertThat(t).as("the stream ends with an error").isInstanceOf(StatusRuntimeException.class);
      return (StatusRuntimeException) t;
    }

    Status.Code error() throws InterruptedException {
      return errorException().getStatus().getCode();
    }

    @Override
    public synchronized void onNext(EnvelopeBatch b) {
      replies.addAll(b.getEnvelopesList());
    }

    @Override
    public void onError(Throwable t) {
      ended.add(t);
    }

    @Override
    public void onCompleted() {
      ended.add(new IllegalStateException("completed without an error"));
    }
  }
}
