package io.troupe.chain;

import java.util.HexFormat;

/** Lower-case hex SHA-256, as used for {@code state_sha256} and module ids. */
public final class Sha256 {
  private Sha256() {}

  /** A fresh SHA-256 digest, for hashing in parts. */
  public static java.security.MessageDigest digest() {
    return EventHasher.sha256();
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(EventHasher.sha256().digest(bytes));
  }
}
