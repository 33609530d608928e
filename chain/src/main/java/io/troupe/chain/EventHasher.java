package io.troupe.chain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The canonical chain v1 hash. Kept to one page so it can be ported to any language. */
final class EventHasher {
  static final byte[] DOMAIN = "troupe-chain-v1\n".getBytes(StandardCharsets.US_ASCII);

  private EventHasher() {}

  static EventHash hash(
      String actor, long seq, EventHash parent, String type, long timestamp, byte[] data) {
    MessageDigest sha = sha256();
    ByteBuffer num = ByteBuffer.allocate(8);
    sha.update(DOMAIN);
    sha.update(num.putLong(0, seq).array(), 0, 8);
    sha.update(parent.raw());
    lengthPrefixed(sha, num, actor.getBytes(StandardCharsets.UTF_8));
    lengthPrefixed(sha, num, type.getBytes(StandardCharsets.UTF_8));
    sha.update(num.putLong(0, timestamp).array(), 0, 8);
    lengthPrefixed(sha, num, data);
    return EventHash.of(sha.digest());
  }

  private static void lengthPrefixed(MessageDigest sha, ByteBuffer num, byte[] bytes) {
    sha.update(num.putInt(0, bytes.length).array(), 0, 4);
    sha.update(bytes);
  }

  private static final MessageDigest PROTOTYPE = newSha256();

  /** A fresh SHA-256 digest: a clone of a prototype, which skips the provider lookup. */
  static MessageDigest sha256() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256();
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
