package io.troupe.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.troupe.cli.NodeCommand;
import io.troupe.proto.v1.ClusterStatusRequest;
import io.troupe.proto.v1.TroupeGrpc;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code troupe-node certs} makes files a node and a client really use. */
class CertsCommandTest {
  @TempDir Path dir;

  @Test
  void theFilesItMakesSecureANodeThatATlsClientWithTheTokenReaches() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        NodeCommand.execute(
            new String[] {"certs", dir.toString(), "--node", "n0"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("TROUPE_CA=");
    String token = Files.readString(dir.resolve("admin.token")).strip();
    assertThat(Files.readString(dir.resolve("tokens.toml"))).doesNotContain(token);

    // a second run does not overwrite the CA
    assertThat(
            NodeCommand.execute(
                new String[] {"certs", dir.toString()},
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true)))
        .isEqualTo(1);
    assertThat(err.toString()).contains("already holds a CA");

    try (TestCluster cluster =
        TestCluster.start(
            1,
            b ->
                b.security(
                    NodeSecurity.none()
                        .withApiTls(
                            dir.resolve("api.pem"), dir.resolve("api.key"), Optional.empty())
                        .withTokens(dir.resolve("tokens.toml"))
                        .withClusterTls(
                            dir.resolve("ca.pem"),
                            dir.resolve("n0.pem"),
                            dir.resolve("n0.key"))))) {
      ManagedChannel ch =
          Grpc.newChannelBuilder(
                  cluster.node(0).grpcAddress(),
                  TlsChannelCredentials.newBuilder()
                      .trustManager(dir.resolve("ca.pem").toFile())
                      .build())
              .build();
      try {
        Metadata auth = new Metadata();
        auth.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        var status =
            TroupeGrpc.newBlockingStub(ch)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth))
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .clusterStatus(ClusterStatusRequest.getDefaultInstance());
        assertThat(status.getMembersCount()).isEqualTo(1);
      } finally {
        ch.shutdownNow();
      }
    }
  }
}
