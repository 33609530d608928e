package io.troupe.cli;

import io.troupe.server.NodeConfigBuilder;
import io.troupe.server.NodeSecurity;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The flags that guard a node's doors (docs/security.md); they override its config file's. */
final class SecurityOptions {
  @Option(names = "--tls-cert", paramLabel = "FILE", description = "Client API certificate (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "Client API private key (PEM).")
  Path tlsKey;

  @Option(
      names = "--client-ca",
      paramLabel = "FILE",
      description = "Require client certificates signed by this CA (mutual TLS).")
  Path clientCa;

  @Option(
      names = "--tokens",
      paramLabel = "FILE",
      description = "Bearer tokens clients present (TOML [[token]] tables: secret, role, actors).")
  Path tokens;

  @Option(names = "--cluster-ca", paramLabel = "FILE", description = "The cluster's CA (PEM).")
  Path clusterCa;

  @Option(
      names = "--cluster-cert",
      paramLabel = "FILE",
      description = "This node's link certificate, naming the node (PEM).")
  Path clusterCert;

  @Option(
      names = "--cluster-key",
      paramLabel = "FILE",
      description = "This node's link private key (PEM).")
  Path clusterKey;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "What actors may ask for: limit ceilings, module size and compile time, handlers, hosts,"
              + " private networks, environment variables (TOML; docs/security.md).")
  Path policy;

  @Option(
      names = "--insecure",
      description = "Serve an address other than loopback without TLS or tokens, on purpose.")
  boolean insecure;

  @Option(
      names = "--node-key",
      paramLabel = "FILE",
      description =
          "The node's Ed25519 signing key for receipts (PEM, PKCS#8); made on first start. Default:"
              + " node-key.pem in the data dir (none kept with --store memory: a new key each"
              + " start).")
  Path nodeKey;

  void applyTo(NodeConfigBuilder b) {
    NodeSecurity s = b.security();
    s =
        new NodeSecurity(
            pick(tlsCert, s.tlsCert()),
            pick(tlsKey, s.tlsKey()),
            pick(clientCa, s.clientCa()),
            pick(tokens, s.tokens()),
            pick(clusterCa, s.clusterCa()),
            pick(clusterCert, s.clusterCert()),
            pick(clusterKey, s.clusterKey()),
            pick(policy, s.policy()),
            pick(nodeKey, s.nodeKey()),
            insecure || s.insecure());
    b.security(s);
  }

  private static Optional<Path> pick(Path flag, Optional<Path> configured) {
    return flag != null ? Optional.of(flag) : configured;
  }
}
