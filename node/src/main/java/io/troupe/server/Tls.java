package io.troupe.server;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.troupe.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Path;

/** The credentials of a node's two doors, from its {@link NodeSecurity}'s PEM files. */
final class Tls {
  private Tls() {}

  /**
   * The client API: TLS with the node's certificate (and client certificates, with a client CA).
   */
  static ServerCredentials api(NodeSecurity s) {
    if (!s.apiTls()) {
      return InsecureServerCredentials.create();
    }
    return read(
        "the client API's certificate or key",
        () -> {
          TlsServerCredentials.Builder b =
              TlsServerCredentials.newBuilder()
                  .keyManager(
                      s.tlsCert().orElseThrow().toFile(), s.tlsKey().orElseThrow().toFile());
          if (s.clientCa().isPresent()) {
            b.trustManager(s.clientCa().get().toFile())
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
          }
          return b.build();
        });
  }

  /** The node links: mutual TLS, every peer's certificate signed by the cluster CA. */
  static ServerCredentials links(NodeSecurity s) {
    if (!s.clusterTls()) {
      return InsecureServerCredentials.create();
    }
    return read(
        "the cluster CA or this node's link certificate",
        () ->
            TlsServerCredentials.newBuilder()
                .keyManager(file(s.clusterCert()), file(s.clusterKey()))
                .trustManager(file(s.clusterCa()))
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build());
  }

  /** What this node presents, and trusts, when it dials a peer's link. */
  static ChannelCredentials linkChannels(NodeSecurity s) {
    if (!s.clusterTls()) {
      return InsecureChannelCredentials.create();
    }
    return read(
        "the cluster CA or this node's link certificate",
        () ->
            TlsChannelCredentials.newBuilder()
                .keyManager(file(s.clusterCert()), file(s.clusterKey()))
                .trustManager(file(s.clusterCa()))
                .build());
  }

  private static java.io.File file(java.util.Optional<Path> p) {
    return p.orElseThrow().toFile();
  }

  private interface Reader<T> {
    T read() throws IOException;
  }

  private static <T> T read(String what, Reader<T> r) {
    try {
      return r.read();
    } catch (IOException | RuntimeException e) {
      throw new InvalidArgumentException(
          "cannot use " + what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }
}
