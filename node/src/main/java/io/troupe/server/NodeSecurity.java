package io.troupe.server;

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
        insecure);
  }

  public NodeSecurity withInsecure(boolean insecure) {
    return new NodeSecurity(
        tlsCert, tlsKey, clientCa, tokens, clusterCa, clusterCert, clusterKey, policy, insecure);
  }
}
