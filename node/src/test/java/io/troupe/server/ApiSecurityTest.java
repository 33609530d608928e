package io.troupe.server;

import static io.troupe.server.ClusterTest.startRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.troupe.actor.ActorId;
import io.troupe.proto.v1.ClusterStatusRequest;
import io.troupe.proto.v1.DescribeActorRequest;
import io.troupe.proto.v1.ListActorsRequest;
import io.troupe.proto.v1.RequestRequest;
import io.troupe.proto.v1.SendRequest;
import io.troupe.proto.v1.StopActorRequest;
import io.troupe.proto.v1.TroupeGrpc;
import io.troupe.security.LocalCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client API over TLS with bearer tokens: no token or an unknown one is UNAUTHENTICATED before
 * anything is read, a role without the call's right or a token limited to other actors is
 * PERMISSION_DENIED, a plaintext client cannot talk to the TLS port, with a client CA only clients
 * with a certificate it signed get in, and a call that enters a node other than the actor's home is
 * checked where it enters and forwarded.
 */
class ApiSecurityTest {
  private static final String ADMIN = "admin-secret-0123456789";
  private static final String READER = "reader-secret-0123456789";
  private static final String TEAM_DEPLOYER = "team-deployer-0123456789";
  private static final String TEAM_CALLER = "team-caller-0123456789";

  @TempDir Path dir;
  private TestCluster cluster;
  private TestCluster mtls; // a node that also wants client certificates, when a test starts one
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    LocalCa ca = LocalCa.create("test client CA");
    ca.self().writeTo(dir, "ca");
    ca.issue("localhost", List.of("localhost"), List.of("127.0.0.1")).writeTo(dir, "api");
    Files.writeString(
        dir.resolve("tokens.toml"),
        """
        [[token]]
        name = "ops"
        secret = "%s"
        role = "admin"

        [[token]]
        name = "dashboard"
        secret_sha256 = "%s"
        role = "reader"

        [[token]]
        name = "team-ci"
        secret = "%s"
        role = "deployer"
        actors = ["team-"]
        max_actors = 6

        [[token]]
        name = "team-app"
        secret = "%s"
        role = "caller"
        actors = ["team-"]
        """
            .formatted(ADMIN, io.troupe.access.Tokens.digest(READER), TEAM_DEPLOYER, TEAM_CALLER));
    cluster =
        TestCluster.start(
            2,
            b ->
                b.healthPort(0)
                    .security(
                        NodeSecurity.none()
                            .withApiTls(
                                dir.resolve("api.pem"),
                                dir.resolve("api.key"),
                                java.util.Optional.empty())
                            .withTokens(dir.resolve("tokens.toml"))));
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (mtls != null) {
      mtls.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theHealthPortAnswersPlaintextProbesAndServesNothingElse() {
    ManagedChannel plain =
        Grpc.newChannelBuilder(
                cluster.node(0).healthAddress().orElseThrow(), InsecureChannelCredentials.create())
            .build();
    channels.add(plain);
    assertThat(
            io.grpc.health.v1.HealthGrpc.newBlockingStub(plain)
                .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    assertCode(
        () -> TroupeGrpc.newBlockingStub(plain).listActors(ListActorsRequest.getDefaultInstance()),
        Status.Code.UNIMPLEMENTED,
        "troupe.v1.Troupe/ListActors");
  }

  @Test
  void callsWithoutAKnownTokenAreUnauthenticated() throws Exception {
    TroupeGrpc.TroupeBlockingStub anonymous = client(0, null);
    assertCode(
        () -> anonymous.listActors(ListActorsRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED,
        "needs a token");
    assertCode(
        () -> anonymous.startActor(startRequest("counter/counter.toml", "c")),
        Status.Code.UNAUTHENTICATED,
        "needs a token");
    TroupeGrpc.TroupeBlockingStub stranger = client(0, "not-a-token-of-this-node");
    assertCode(
        () -> stranger.clusterStatus(ClusterStatusRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED,
        "unknown token");
    // health stays open for load balancers
    var health =
        io.grpc.health.v1.HealthGrpc.newBlockingStub(channel(0))
            .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus())
        .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void rolesAndActorPrefixesLimitWhatATokenMayDo() throws Exception {
    TroupeGrpc.TroupeBlockingStub admin = client(0, ADMIN);
    admin.startActor(startRequest("counter/counter.toml", "ops-counter"));

    TroupeGrpc.TroupeBlockingStub reader = client(1, READER);
    assertCode(
        () -> reader.startActor(startRequest("counter/counter.toml", "r")),
        Status.Code.PERMISSION_DENIED,
        "may not upload modules or start and stop actors");
    assertCode(
        () -> reader.send(send("ops-counter", "5")), Status.Code.PERMISSION_DENIED, "may not send");
    assertThat(reader.describeActor(describe("ops-counter")).getId()).isEqualTo("ops-counter");

    // a deployer limited to team-: starts team- actors (also when the home is the other node:
    // checked where the call enters, then forwarded), nothing else
    TroupeGrpc.TroupeBlockingStub deployer = client(0, TEAM_DEPLOYER);
    for (int i = 0; i < 6; i++) {
      deployer.startActor(startRequest("counter/counter.toml", "team-" + i));
    }
    assertThat(
            List.of(0, 1, 2, 3, 4, 5).stream()
                .map(i -> cluster.node(0).ownerOf(ActorId.of("team-" + i)).orElseThrow())
                .distinct())
        .as("some team actors live on the node the calls did not enter")
        .contains("n1");
    assertCode(
        () -> deployer.startActor(startRequest("counter/counter.toml", "team-6")),
        Status.Code.RESOURCE_EXHAUSTED,
        "may have 6 live actors (max_actors)");
    assertCode(
        () -> deployer.startActor(startRequest("counter/counter.toml", "other")),
        Status.Code.PERMISSION_DENIED,
        "may not touch actor other");
    assertCode(
        () -> deployer.startActor(startRequest("counter/counter.toml", "")),
        Status.Code.PERMISSION_DENIED,
        "give an id");
    assertCode(
        () -> deployer.stopActor(StopActorRequest.newBuilder().setId("ops-counter").build()),
        Status.Code.PERMISSION_DENIED,
        "may not touch actor ops-counter");
    assertCode(
        () -> deployer.listActors(ListActorsRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED,
        "may not read");

    TroupeGrpc.TroupeBlockingStub caller = client(1, TEAM_CALLER);
    caller.send(send("team-0", "5"));
    assertThat(
            caller
                .request(
                    RequestRequest.newBuilder()
                        .setId("team-0")
                        .setMessageJson(ByteString.copyFromUtf8("\"total?\""))
                        .build())
                .getResponseJson()
                .toStringUtf8())
        .isEqualTo("5");
    assertCode(
        () -> caller.send(send("ops-counter", "5")),
        Status.Code.PERMISSION_DENIED,
        "may not touch actor ops-counter");
    assertThat(caller.clusterStatus(ClusterStatusRequest.getDefaultInstance()).getMembersCount())
        .isEqualTo(2);

    // the reader sees every actor; the admin stops a team actor on either node
    assertThat(reader.listActors(ListActorsRequest.getDefaultInstance()).getActorsList())
        .extracting(a -> a.getId())
        .contains("ops-counter", "team-0", "team-5");
    for (int i = 0; i < 6; i++) {
      admin.stopActor(StopActorRequest.newBuilder().setId("team-" + i).build());
    }
    assertThat(reader.describeActor(describe("team-3")).getStatus()).isEqualTo("stopped");
  }

  @Test
  void aPlaintextClientCannotTalkToTheTlsPort() {
    ManagedChannel plain =
        Grpc.newChannelBuilder(cluster.node(0).grpcAddress(), InsecureChannelCredentials.create())
            .build();
    channels.add(plain);
    TroupeGrpc.TroupeBlockingStub c =
        TroupeGrpc.newBlockingStub(plain)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(ADMIN)));
    assertThatThrownBy(() -> c.listActors(ListActorsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void withAClientCaOnlyClientsPresentingACertificateItSignedGetIn() throws Exception {
    LocalCa clients = LocalCa.create("test client-certificate CA");
    clients.self().writeTo(dir, "client-ca");
    clients.issue("orders-service", List.of("orders-service"), List.of()).writeTo(dir, "orders");
    LocalCa.create("someone else's CA")
        .issue("orders-service", List.of("orders-service"), List.of())
        .writeTo(dir, "forged");
    mtls =
        TestCluster.start(
            1,
            b ->
                b.security(
                    NodeSecurity.none()
                        .withApiTls(
                            dir.resolve("api.pem"),
                            dir.resolve("api.key"),
                            java.util.Optional.of(dir.resolve("client-ca.pem")))));
    String address = mtls.node(0).grpcAddress();

    // the server's certificate is trusted, but no client certificate is presented: no handshake
    TlsChannelCredentials.Builder anonymous =
        TlsChannelCredentials.newBuilder().trustManager(dir.resolve("ca.pem").toFile());
    assertNoHandshake(() -> status(address, anonymous.build()));
    // a client certificate from another CA: no handshake either
    assertNoHandshake(() -> status(address, withClientCert("forged")));
    // one the client CA signed gets in
    assertThat(status(address, withClientCert("orders")).getThisNode()).isEqualTo("n0");
  }

  private static void assertNoHandshake(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  private ChannelCredentials withClientCert(String name) throws Exception {
    return TlsChannelCredentials.newBuilder()
        .trustManager(dir.resolve("ca.pem").toFile())
        .keyManager(dir.resolve(name + ".pem").toFile(), dir.resolve(name + ".key").toFile())
        .build();
  }

  private io.troupe.proto.v1.ClusterStatusResponse status(
      String address, ChannelCredentials credentials) {
    ManagedChannel ch = Grpc.newChannelBuilder(address, credentials).build();
    channels.add(ch);
    return TroupeGrpc.newBlockingStub(ch)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .clusterStatus(ClusterStatusRequest.getDefaultInstance());
  }

  private static SendRequest send(String id, String json) {
    return SendRequest.newBuilder()
        .setId(id)
        .setMessageJson(ByteString.copyFrom(json, StandardCharsets.UTF_8))
        .build();
  }

  private static DescribeActorRequest describe(String id) {
    return DescribeActorRequest.newBuilder().setId(id).build();
  }

  private static void assertCode(ThrowingCallable call, Status.Code code, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }

  private static Metadata bearer(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return m;
  }

  private ManagedChannel channel(int node) throws Exception {
    ChannelCredentials tls =
        TlsChannelCredentials.newBuilder().trustManager(dir.resolve("ca.pem").toFile()).build();
    ManagedChannel ch = Grpc.newChannelBuilder(cluster.node(node).grpcAddress(), tls).build();
    channels.add(ch);
    return ch;
  }

  private TroupeGrpc.TroupeBlockingStub client(int node, String token) throws Exception {
    TroupeGrpc.TroupeBlockingStub stub =
        TroupeGrpc.newBlockingStub(channel(node)).withDeadlineAfter(30, TimeUnit.SECONDS);
    return token == null
        ? stub
        : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
  }
}
