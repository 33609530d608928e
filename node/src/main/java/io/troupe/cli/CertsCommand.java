package io.troupe.cli;

import io.troupe.access.Tokens;
import io.troupe.security.LocalCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code troupe-node certs DIR}: a local CA, link certificates for the named nodes, a client-API
 * certificate and an admin token, for trying TLS and tokens on one machine or a test network.
 */
@Command(
    name = "certs",
    mixinStandardHelpOptions = true,
    description =
        "Makes a local CA (ca.pem, ca.key), a link certificate per --node (NAME.pem, NAME.key), a"
            + " client-API certificate (api.pem, api.key) and a tokens file with one admin token"
            + " (tokens.toml, admin.token) in DIR. For tests and first steps: production clusters"
            + " use their own PKI.")
final class CertsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "Where to write the files.")
  Path dir;

  @Option(
      names = "--node",
      split = ",",
      paramLabel = "NAME",
      description = "A node to issue a link certificate for (repeat, or a,b,c).")
  List<String> nodes = new ArrayList<>();

  @Option(
      names = "--address",
      split = ",",
      paramLabel = "HOST",
      description =
          "Addresses (IPs or DNS names) clients dial, named in api.pem besides localhost and"
              + " 127.0.0.1.")
  List<String> addresses = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    if (Files.exists(dir.resolve("ca.pem"))) {
      throw new IllegalArgumentException(
          dir + " already holds a CA (ca.pem): remove it or choose another folder");
    }
    LocalCa ca = LocalCa.create("Troupe local CA");
    ca.self().writeTo(dir, "ca");
    for (String node : nodes) {
      ca.issue(node, List.of(node, "localhost"), List.of("127.0.0.1")).writeTo(dir, node);
    }
    List<String> dns = new ArrayList<>(List.of("localhost"));
    List<String> ips = new ArrayList<>(List.of("127.0.0.1"));
    for (String a : addresses) {
      (a.matches("[0-9.]+|.*:.*") ? ips : dns).add(a);
    }
    ca.issue("troupe-api", dns, ips).writeTo(dir, "api");
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Files.writeString(
        dir.resolve("tokens.toml"),
        "# tokens of this node: see docs/security.md\n"
            + "[[token]]\nname = \"admin\"\nsecret_sha256 = \""
            + Tokens.digest(secret)
            + "\"\nrole = \"admin\"\n");
    Path token = dir.resolve("admin.token");
    Files.writeString(token, secret + "\n");
    try {
      Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    var out = spec.commandLine().getOut();
    out.println("wrote a local CA and certificates to " + dir);
    out.println("  nodes:   --tls-cert api.pem --tls-key api.key --tokens tokens.toml");
    if (!nodes.isEmpty()) {
      out.println("           --cluster-ca ca.pem --cluster-cert NAME.pem --cluster-key NAME.key");
    }
    out.println(
        "  clients: TROUPE_CA=" + dir.resolve("ca.pem") + " TROUPE_TOKEN=$(cat " + token + ")");
    return 0;
  }
}
