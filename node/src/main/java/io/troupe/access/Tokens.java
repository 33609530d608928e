package io.troupe.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.troupe.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer tokens a node accepts, read from a TOML file with one {@code [[token]]} table per
 * token:
 *
 * <pre>{@code
 * [[token]]
 * name = "ci"                 # optional: how messages and logs call it (default token-N)
 * secret = "…"                # at least 16 characters; or secret_sha256 = "<hex>"
 * role = "deployer"           # admin | deployer | caller | reader
 * actors = ["orders-"]        # optional: the actor-id prefixes it may touch
 * max_actors = 100            # optional: the most live actors among those it may start
 * }</pre>
 *
 * Secrets are kept only as SHA-256 digests, and a presented token is found by its digest, so
 * neither the file's secrets nor the time a lookup takes say anything about another token.
 */
public final class Tokens {
  static final int MIN_SECRET = 16;
  private static final Set<String> KEYS =
      Set.of("name", "secret", "secret_sha256", "role", "actors", "max_actors");

  private final Map<String, Principal> byDigest;

  private Tokens(Map<String, Principal> byDigest) {
    this.byDigest = Map.copyOf(byDigest);
  }

  /** No tokens: every call is allowed (a node on loopback). */
  public static Tokens none() {
    return new Tokens(Map.of());
  }

  /** Whether calls must present a token. */
  public boolean required() {
    return !byDigest.isEmpty();
  }

  /** The principal of a presented secret, or empty for a secret the node does not know. */
  public Optional<Principal> authenticate(String secret) {
    return Optional.ofNullable(byDigest.get(digest(secret)));
  }

  /** The tokens in {@code file}, or none when it is absent. */
  public static Tokens load(Optional<Path> file) {
    return file.map(Tokens::load).orElseGet(Tokens::none);
  }

  /**
   * @throws InvalidArgumentException naming the file and the token when it cannot be read or a
   *     token is malformed
   */
  public static Tokens load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot read the tokens file " + file + ": " + e);
    }
    JsonNode root;
    try {
      root = new TomlMapper().readTree(text);
    } catch (IOException e) {
      throw new InvalidArgumentException(
          "the tokens file " + file + " is not valid TOML (one [[token]] table per token)");
    }
    return parse(root, file.toString());
  }

  static Tokens parse(JsonNode root, String source) {
    JsonNode list = root.path("token");
    if (!list.isArray() || list.isEmpty()) {
      throw new InvalidArgumentException(
          source + ": no tokens: give one [[token]] table per token (secret, role)");
    }
    root.fieldNames()
        .forEachRemaining(
            k -> {
              if (!k.equals("token")) {
                throw new InvalidArgumentException(source + ": unknown key '" + k + "'");
              }
            });
    Map<String, Principal> byDigest = new HashMap<>();
    Set<String> names = new java.util.HashSet<>();
    int n = 0;
    for (JsonNode t : list) {
      n++;
      String where = source + ": token " + n;
      t.fieldNames()
          .forEachRemaining(
              k -> {
                if (!KEYS.contains(k)) {
                  throw new InvalidArgumentException(where + ": unknown key '" + k + "'");
                }
              });
      String name = t.path("name").asText("token-" + n);
      if (!names.add(name)) {
        throw new InvalidArgumentException(where + ": the name '" + name + "' is used twice");
      }
      Role role = Role.named(t.path("role").asText(""));
      if (role == null) {
        throw new InvalidArgumentException(
            where + " (" + name + "): role must be admin, deployer, caller or reader");
      }
      String digest = digestOf(t, where + " (" + name + ")");
      List<String> actors = new ArrayList<>();
      JsonNode prefixes = t.path("actors");
      if (!prefixes.isMissingNode()) {
        if (!prefixes.isArray() || prefixes.isEmpty()) {
          throw new InvalidArgumentException(
              where + " (" + name + "): actors must be a list of actor-id prefixes");
        }
        for (JsonNode p : prefixes) {
          if (!p.isTextual() || p.asText().isEmpty()) {
            throw new InvalidArgumentException(
                where + " (" + name + "): an actor prefix must be a non-empty string");
          }
          actors.add(p.asText());
        }
      }
      java.util.OptionalInt quota = java.util.OptionalInt.empty();
      if (t.has("max_actors")) {
        if (!t.get("max_actors").canConvertToInt() || t.get("max_actors").asInt() < 0) {
          throw new InvalidArgumentException(
              where + " (" + name + "): max_actors must be a number of actors");
        }
        quota = java.util.OptionalInt.of(t.get("max_actors").asInt());
      }
      if (byDigest.put(digest, new Principal(name, role, actors, quota)) != null) {
        throw new InvalidArgumentException(where + " (" + name + "): the same secret twice");
      }
    }
    return new Tokens(byDigest);
  }

  private static String digestOf(JsonNode t, String where) {
    boolean plain = t.has("secret");
    boolean hashed = t.has("secret_sha256");
    if (plain == hashed) {
      throw new InvalidArgumentException(where + ": give exactly one of secret and secret_sha256");
    }
    if (plain) {
      String secret = t.path("secret").asText("");
      if (secret.length() < MIN_SECRET || !secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new InvalidArgumentException(
            where
                + ": a secret must be at least "
                + MIN_SECRET
                + " printable ASCII characters without spaces");
      }
      return digest(secret);
    }
    String hex = t.path("secret_sha256").asText("").toLowerCase(java.util.Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new InvalidArgumentException(where + ": secret_sha256 must be 64 hex digits");
    }
    return hex;
  }

  /** The hex SHA-256 of {@code secret}'s UTF-8 bytes (what {@code secret_sha256} holds). */
  public static String digest(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
