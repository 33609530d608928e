package io.troupe.client.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configures a {@link TroupeClient} ({@link TroupeClient#builder()}): the nodes' addresses, TLS and
 * token, deadlines, the JSON mapper.
 */
public final class TroupeClientBuilder {
  final List<String> targets = new ArrayList<>();
  Duration deadline = Duration.ofSeconds(30);
  Duration attempt = Duration.ofSeconds(5);
  String token;
  private boolean tls;
  private Path trusted;
  private Path clientCert;
  private Path clientKey;
  ObjectMapper mapper = new ObjectMapper();

  TroupeClientBuilder() {}

  /**
   * The mapper that writes messages and reads answers (default: a plain {@link ObjectMapper});
   * configure naming, modules (java.time, ...) on it before.
   */
  public TroupeClientBuilder mapper(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper);
    return this;
  }

  /** The bearer token every call presents ({@code authorization: Bearer TOKEN}). */
  public TroupeClientBuilder token(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the token is empty");
    }
    this.token = token.strip();
    return this;
  }

  /** Talk TLS, trusting the system's certificate authorities. */
  public TroupeClientBuilder tls() {
    this.tls = true;
    return this;
  }

  /** Talk TLS, trusting the certificate authorities in PEM file {@code caPem} only. */
  public TroupeClientBuilder trustedCertificates(Path caPem) {
    this.tls = true;
    this.trusted = Objects.requireNonNull(caPem);
    return this;
  }

  /** Present this certificate and key (PEM, PKCS#8) to a node that asks for one (mutual TLS). */
  public TroupeClientBuilder clientCertificate(Path certPem, Path keyPem) {
    this.tls = true;
    this.clientCert = Objects.requireNonNull(certPem);
    this.clientKey = Objects.requireNonNull(keyPem);
    return this;
  }

  ChannelCredentials credentials() {
    return tls
        ? Transport.tls(trusted, clientCert, clientKey)
        : InsecureChannelCredentials.create();
  }

  /** A node's gRPC address {@code host:port}; add several for failover. */
  public TroupeClientBuilder target(String hostPort) {
    targets.add(Objects.requireNonNull(hostPort));
    return this;
  }

  public TroupeClientBuilder targets(List<String> hostPorts) {
    hostPorts.forEach(this::target);
    return this;
  }

  /** The deadline of each call (default 30 s). */
  public TroupeClientBuilder deadline(Duration d) {
    this.deadline = Objects.requireNonNull(d);
    return this;
  }

  /**
   * How long one attempt on one node may take (default 5 s) before the next node is tried with the
   * same message id; a retried message is not run twice.
   */
  public TroupeClientBuilder attemptTimeout(Duration d) {
    this.attempt = Objects.requireNonNull(d);
    return this;
  }

  public TroupeClient build() {
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("at least one target address is required");
    }
    return new TroupeClient(this);
  }
}
