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
    lengthPrefixed(sha, actor.getBytes(StandardCharsets.UTF_8));
    lengthPrefixed(sha, type.getBytes(StandardCharsets.UTF_8));
    sha.update(num.putLong(0, timestamp).array(), 0, 8);
    lengthPrefixed(sha, data);
    return EventHash.of(sha.digest());
  }

  private static void lengthPrefixed(MessageDigest sha, byte[] bytes) {
    sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    sha.update(bytes);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
