package io.troupe.chain;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte SHA-256 digest identifying a chain event. Immutable; printed as 64 lower-case hex
 * characters.
 */
public final class EventHash {
  /** The parent of every genesis event: 32 zero bytes. */
  public static final EventHash ZERO = new EventHash(new byte[32]);

  private static final HexFormat HEX = HexFormat.of();
  private final byte[] bytes;

  private EventHash(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a copy of {@code bytes}, which must be exactly 32 bytes long. */
  public static EventHash of(byte[] bytes) {
    if (bytes == null || bytes.length != 32) {
      throw new IllegalArgumentException(
          "an event hash is 32 bytes, got " + (bytes == null ? "null" : bytes.length));
    }
    return new EventHash(bytes.clone());
  }

  /** Parses 64 hex characters. */
  public static EventHash fromHex(String hex) {
    if (hex == null || hex.length() != 64) {
      throw new IllegalArgumentException("an event hash is 64 hex characters, got: " + hex);
    }
    try {
      return new EventHash(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex event hash: " + hex, e);
    }
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Package-private view without a copy, for hashing. */
  byte[] raw() {
    return bytes;
  }

  public String toHex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventHash other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
