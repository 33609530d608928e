package io.troupe.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.error.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a node guards its doors (docs/security.md): TLS and bearer tokens on the client API, mutual
 * TLS from the cluster's CA on the node links.
 *
 * @param tlsCert the client API's certificate chain (PEM), with {@code tlsKey}
 * @param tlsKey the client API's private key (PEM, PKCS#8)
 * @param clientCa when given, clients must present a certificate this CA signed (mutual TLS)
 * @param tokens the bearer tokens clients present ({@code [[token]]} tables: secret, role, actors)
 * @param clusterCa the CA every node's link certificate is signed by
 * @param clusterCert this node's link certificate (PEM), naming the node
 * @param clusterKey this node's link private key (PEM, PKCS#8)
 * @param policy what manifests and modules may ask for (ceilings, handlers, hosts, networks)
 * @param insecure serve without TLS or tokens on an address other than loopback, knowingly
 */
public record NodeSecurity(
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    Optional<Path> clientCa,
    Optional<Path> tokens,
    Optional<Path> clusterCa,
    Optional<Path> clusterCert,
    Optional<Path> clusterKey,
    Optional<Path> policy,
    Optional<Path> nodeKey,
    boolean insecure) {

  public NodeSecurity {
    if (tlsCert.isPresent() != tlsKey.isPresent()) {
      throw new InvalidArgumentException("TLS needs both --tls-cert and --tls-key");
    }
    if (clientCa.isPresent() && tlsCert.isEmpty()) {
      throw new InvalidArgumentException("--client-ca needs TLS: give --tls-cert and --tls-key");
    }
    int cluster =
        (clusterCa.isPresent() ? 1 : 0)
            + (clusterCert.isPresent() ? 1 : 0)
            + (clusterKey.isPresent() ? 1 : 0);
    if (cluster != 0 && cluster != 3) {
      throw new InvalidArgumentException(
          "node links need all of --cluster-ca, --cluster-cert and --cluster-key");
    }
  }

  /**
   * @throws InvalidArgumentException when a door on an address other than loopback would be open:
   *     the client API on {@code apiHost} without TLS and tokens, the node links on {@code host}
   *     without cluster TLS (unless {@code insecure})
   */
  void checkExposure(String apiHost, String host) {
    if (!loopback(apiHost) && !insecure() && !(apiTls() && tokens().isPresent())) {
      throw new InvalidArgumentException(
          "the client API on "
              + apiHost
              + " is reachable from other machines: give --tls-cert, --tls-key and --tokens"
              + " (docs/security.md), or --insecure to serve it open on purpose");
    }
    if (!loopback(host) && !insecure() && !clusterTls()) {
      throw new InvalidArgumentException(
          "the node links on "
              + host
              + " are reachable from other machines: give --cluster-ca, --cluster-cert and"
              + " --cluster-key (docs/security.md), or --insecure to serve them open on purpose");
    }
  }

  /** Whether {@code host} is this machine only (127.0.0.0/8, ::1, localhost). */
  static boolean loopback(String host) {
    return host.equals("localhost")
        || host.equals("::1")
        || host.equals("[::1]")
        || host.matches("127(\\.\\d{1,3}){3}");
  }

  /** The security keys of a node config file ({@code base}: its folder, for relative paths). */
  static NodeSecurity fromToml(JsonNode root, Path base) {
    java.util.function.Function<String, java.util.Optional<Path>> file =
        key -> {
          if (!root.has(key)) {
            return java.util.Optional.empty();
          }
          Path p = Path.of(root.get(key).asText());
          return java.util.Optional.of(base == null || p.isAbsolute() ? p : base.resolve(p));
        };
    return new NodeSecurity(
        file.apply("tls_cert"),
        file.apply("tls_key"),
        file.apply("client_ca"),
        file.apply("tokens"),
        file.apply("cluster_ca"),
        file.apply("cluster_cert"),
        file.apply("cluster_key"),
        file.apply("policy"),
        file.apply("node_key"),
        root.path("insecure").asBoolean(false));
  }

  /** Nothing guarded: plaintext, no tokens (a node on loopback, or tests). */
  public static NodeSecurity none() {
    return new NodeSecurity(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false);
  }

  public boolean apiTls() {
    return tlsCert.isPresent();
  }

  public boolean clusterTls() {
    return clusterCa.isPresent();
  }

  public NodeSecurity withApiTls(Path cert, Path key, Optional<Path> ca) {
    return new NodeSecurity(
        Optional.of(cert),
        Optional.of(key),
        ca,
        tokens,
        clusterCa,
        clusterCert,
        clusterKey,
        policy,
        nodeKey,
        insecure);
  }

  public NodeSecurity withTokens(Path file) {
    return new NodeSecurity(
        tlsCert,
        tlsKey,
        clientCa,
        Optional.of(file),
        clusterCa,
        clusterCert,
        clusterKey,
        policy,
        nodeKey,
        insecure);
  }

  public NodeSecurity withClusterTls(Path ca, Path cert, Path key) {
    return new NodeSecurity(
        tlsCert,
        tlsKey,
        clientCa,
        tokens,
        Optional.of(ca),
        Optional.of(cert),
        Optional.of(key),
        policy,
        nodeKey,
        insecure);
  }

  public NodeSecurity withPolicy(Path file) {
    return new NodeSecurity(
        tlsCert,
        tlsKey,
        clientCa,
        tokens,
        clusterCa,
        clusterCert,
        clusterKey,
        Optional.of(file),
        nodeKey,
        insecure);
  }

  public NodeSecurity withInsecure(boolean insecure) {
    return new NodeSecurity(
        tlsCert,
        tlsKey,
        clientCa,
        tokens,
        clusterCa,
        clusterCert,
        clusterKey,
        policy,
        nodeKey,
        insecure);
  }
}
