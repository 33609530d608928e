package io.troupe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.troupe.error.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsMakeASingleMemberCluster() {
    NodeConfig c = NodeConfig.builder().build();
    assertThat(c.name()).isEqualTo("node-7070");
    assertThat(c.grpcPort()).isEqualTo(7070);
    assertThat(c.hzPort()).isEqualTo(5701);
    assertThat(c.members()).isEmpty();
    assertThat(c.backupCount()).isEqualTo(1);
    assertThat(c.quorum()).isEqualTo(1);
    assertThat(c.maxNoHeartbeat()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.httpPort()).isEqualTo(-1);
    assertThat(c.store()).isEqualTo("sqlite");
    assertThat(c.dataDir()).isEqualTo(java.nio.file.Path.of("troupe-data", "node-7070"));
  }

  @Test
  void aFileSetsWhatItNamesAndResolvesActorManifestsAgainstItsFolder() throws Exception {
    Path file = dir.resolve("node.toml");
    Files.writeString(
        file,
        """
        name = "alpha"
        grpc_port = 7100
        hz_port = 5800
        members = ["10.0.0.1:5800", "10.0.0.2:5800"]
        backup_count = 2
        quorum = 2
        heartbeat_ms = 500
        max_no_heartbeat_ms = 3000
        worker_slots = 3
        http_port = 9464
        store = "jdbc:postgresql://db.example:5432/troupe?user=troupe&password=secret"
        data_dir = "data"
        [[actors]]
        id = "counter"
        manifest = "actors/counter.toml"
        """);
    NodeConfig c = NodeConfig.load(file).build();
    assertThat(c.name()).isEqualTo("alpha");
    assertThat(c.members()).containsExactly("10.0.0.1:5800", "10.0.0.2:5800");
    assertThat(c.backupCount()).isEqualTo(2);
    assertThat(c.heartbeat()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.workerSlots()).isEqualTo(3);
    assertThat(c.httpPort()).isEqualTo(9464);
    assertThat(c.store()).startsWith("jdbc:postgresql://db.example:5432/troupe");
    assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(c.actors())
        .singleElement()
        .satisfies(
            a -> assertThat(a.manifest()).isEqualTo(dir.resolve("actors/counter.toml").toString()));
    // flags override the file
    assertThat(NodeConfig.load(file).grpcPort(7200).build().grpcPort()).isEqualTo(7200);
  }

  @Test
  void metricsPortIsTheOldNameOfHttpPort() throws Exception {
    Path old = dir.resolve("old.toml");
    Files.writeString(old, "metrics_port = 9464\n");
    assertThat(NodeConfig.load(old).build().httpPort()).isEqualTo(9464);
    Path both = dir.resolve("both.toml");
    Files.writeString(both, "metrics_port = 9464\nhttp_port = 9465\n");
    assertThatThrownBy(() -> NodeConfig.load(both))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("give http_port only (metrics_port is its old name)");
  }

  @Test
  void anAddressOtherMachinesReachNeedsTlsTokensAndClusterCertificatesOrInsecure() {
    Path f = dir.resolve("x.pem");
    assertThatThrownBy(() -> NodeConfig.builder().host("10.0.0.5").build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("the client API on 10.0.0.5 is reachable from other machines")
        .hasMessageContaining("(docs/security.md)")
        .hasMessageContaining("--insecure");
    assertThatThrownBy(
            () ->
                NodeConfig.builder()
                    .host("10.0.0.5")
                    .security(
                        NodeSecurity.none()
                            .withApiTls(f, f, java.util.Optional.empty())
                            .withTokens(f))
                    .build())
        .hasMessageContaining("the node links on 10.0.0.5 are reachable from other machines")
        .hasMessageContaining("(docs/security.md)");
    assertThat(
            NodeConfig.builder()
                .host("10.0.0.5")
                .security(
                    NodeSecurity.none()
                        .withApiTls(f, f, java.util.Optional.empty())
                        .withTokens(f)
                        .withClusterTls(f, f, f))
                .build()
                .host())
        .isEqualTo("10.0.0.5");
    assertThat(
            NodeConfig.builder()
                .host("0.0.0.0")
                .security(NodeSecurity.none().withInsecure(true))
                .build()
                .apiHost())
        .isEqualTo("0.0.0.0");
    assertThat(NodeConfig.builder().host("127.0.0.2").build().host()).isEqualTo("127.0.0.2");
    java.util.Optional<Path> none = java.util.Optional.empty();
    assertThatThrownBy(
            () ->
                new NodeSecurity(
                    none,
                    none,
                    none,
                    none,
                    java.util.Optional.of(f),
                    none,
                    none,
                    none,
                    none,
                    false))
        .hasMessageContaining(
            "node links need all of --cluster-ca, --cluster-cert and --cluster-key");
  }

  @Test
  void theDefaultQuorumIsAMajorityOfTheExpectedMembersAndOneCopyNeedsDev() {
    List<String> three = List.of("10.0.0.1:5701", "10.0.0.2:5701", "10.0.0.3:5701");
    NodeConfig listed = NodeConfig.builder().members(three).store("memory").build();
    assertThat(listed.expectedMembers()).isEqualTo(3);
    assertThat(listed.quorum()).isEqualTo(2);
    NodeConfig five =
        NodeConfig.builder().members(three).expectedMembers(5).store("memory").build();
    assertThat(five.quorum()).isEqualTo(3);
    assertThat(NodeConfig.builder().members(three).quorum(1).store("memory").build().quorum())
        .isEqualTo(1);
    assertThatThrownBy(() -> NodeConfig.builder().backupCount(0).build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("only with --dev");
    assertThat(NodeConfig.builder().backupCount(0).dev(true).build().backupCount()).isZero();
  }

  @Test
  void unknownKeysAndBadValuesAreClearErrors() throws Exception {
    Path file = dir.resolve("bad.toml");
    Files.writeString(file, "grpc_prot = 7000\n");
    assertThatThrownBy(() -> NodeConfig.load(file))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("unknown key 'grpc_prot'");
    Files.writeString(file, "name = [\n");
    assertThatThrownBy(() -> NodeConfig.load(file)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> NodeConfig.builder().quorum(0).build()).hasMessageContaining("quorum");
    assertThatThrownBy(() -> NodeConfig.builder().workerSlots(0).build())
        .hasMessageContaining("worker_slots");
    assertThatThrownBy(
            () ->
                NodeConfig.builder()
                    .heartbeat(Duration.ofSeconds(5))
                    .maxNoHeartbeat(Duration.ofSeconds(2))
                    .build())
        .hasMessageContaining("max_no_heartbeat_ms");
    assertThatThrownBy(() -> NodeConfig.builder().store("mysql://x").build())
        .hasMessageContaining(
            "store must be sqlite, memory or jdbc:postgresql://HOST:PORT/DB?user=U&password=P,"
                + " got 'mysql://x'");
  }

  @Test
  void kubernetesDiscoveryNeedsTheExpectedMembersAndExcludesAMemberList() throws Exception {
    Path file = dir.resolve("k8s.toml");
    Files.writeString(
        file,
        """
        kubernetes_dns = "troupe-members.prod.svc.cluster.local"
        expected_members = 3
        store = "memory"
        checkpoint_events = 250
        checkpoint_bytes = 65536
        """);
    NodeConfig c = NodeConfig.load(file).build();
    assertThat(c.kubernetesDns()).contains("troupe-members.prod.svc.cluster.local");
    assertThat(c.quorum()).isEqualTo(2);
    assertThat(c.chainDefaults().checkpointEvents()).isEqualTo(250);
    assertThat(c.chainDefaults().checkpointBytes()).isEqualTo(65536);
    var hz = c.memberSettings(7070, 7071, "");
    assertThat(hz.kubernetesDns()).contains("troupe-members.prod.svc.cluster.local");

    assertThatThrownBy(
            () -> NodeConfig.builder().kubernetesDns("troupe-members").store("memory").build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("--kubernetes-dns needs --expected-members");
    assertThatThrownBy(
            () ->
                NodeConfig.builder()
                    .kubernetesDns("troupe-members")
                    .expectedMembers(3)
                    .members(List.of("10.0.0.1:5701"))
                    .store("memory")
                    .build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("either members or kubernetes_dns");
    assertThatThrownBy(
            () -> NodeConfig.builder().kubernetesDns("troupe-members").expectedMembers(3).build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("the embedded store");
    assertThatThrownBy(() -> NodeConfig.builder().checkpoints(10, 1 << 20))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("checkpoint_events must be between 100 and 1000000, got 10");
  }
}
