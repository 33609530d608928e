package io.troupe.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A node's signed statement that an actor's committed chain had {@code head} as its event {@code
 * seq} (docs/chain.md, "Receipts"): Ed25519 over {@link #signedBytes()}, checkable with the node's
 * public key alone. Together with a chain that contains that event, it proves what the node
 * acknowledged.
 *
 * @param publicKey the signer's Ed25519 public key, raw (32 bytes)
 * @param signature the Ed25519 signature (64 bytes)
 */
public record Receipt(
    String actor,
    long seq,
    EventHash head,
    long epoch,
    String node,
    long timeMillis,
    byte[] publicKey,
    byte[] signature) {
  /** The first line of the signed bytes, and the {@code receipt} field of the JSON. */
  public static final String VERSION = "troupe-receipt-v1";

  /** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows. */
  private static final byte[] SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private static final ObjectMapper JSON = new ObjectMapper();

  public Receipt {
    Objects.requireNonNull(actor);
    Objects.requireNonNull(head);
    Objects.requireNonNull(node);
    publicKey = publicKey.clone();
    signature = signature.clone();
  }

  /** Signs the statement with {@code key}, whose public half is {@code publicKey} (raw). */
  public static Receipt sign(
      String actor,
      long seq,
      EventHash head,
      long epoch,
      String node,
      long timeMillis,
      PrivateKey key,
      byte[] publicKey) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(signedBytes(actor, seq, head, epoch, node, timeMillis));
      return new Receipt(actor, seq, head, epoch, node, timeMillis, publicKey, s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with an Ed25519 key: " + e.getMessage(), e);
    }
  }

  /**
   * The bytes the signature covers: UTF-8 lines, each ending in {@code \n}: {@code
   * troupe-receipt-v1}, {@code actor=A}, {@code seq=N}, {@code head=HEX} (64 lower-case hex
   * digits), {@code epoch=N}, {@code node=NAME}, {@code time_ms=N} (decimal numbers).
   */
  public byte[] signedBytes() {
    return signedBytes(actor, seq, head, epoch, node, timeMillis);
  }

  private static byte[] signedBytes(
      String actor, long seq, EventHash head, long epoch, String node, long timeMillis) {
    if (actor.indexOf('\n') >= 0 || node.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a receipt's actor and node have no line breaks");
    }
    String text =
        VERSION
            + "\nactor="
            + actor
            + "\nseq="
            + seq
            + "\nhead="
            + head.toHex()
            + "\nepoch="
            + epoch
            + "\nnode="
            + node
            + "\ntime_ms="
            + timeMillis
            + "\n";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether the signature is {@code publicKey}'s (raw Ed25519) over this receipt's statement. */
  public boolean verifiesWith(byte[] publicKey) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(publicKey(publicKey));
      s.update(signedBytes());
      return s.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The raw Ed25519 public key (32 bytes) as a Java key. */
  public static PublicKey publicKey(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 public key has 32 bytes, this one " + raw.length);
    }
    byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
    System.arraycopy(raw, 0, der, SPKI_PREFIX.length, 32);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** The raw 32 bytes of an Ed25519 public key. */
  public static byte[] raw(PublicKey key) {
    byte[] der = key.getEncoded();
    if (der.length != SPKI_PREFIX.length + 32
        || !Arrays.equals(Arrays.copyOf(der, SPKI_PREFIX.length), SPKI_PREFIX)) {
      throw new IllegalArgumentException("not an Ed25519 public key");
    }
    return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
  }

  /** The receipt as one line of JSON (binary fields in standard base64). */
  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("receipt", VERSION);
    o.put("actor", actor);
    o.put("seq", seq);
    o.put("head", head.toHex());
    o.put("epoch", epoch);
    o.put("node", node);
    o.put("time_ms", timeMillis);
    o.put("public_key", Base64.getEncoder().encodeToString(publicKey));
    o.put("signature", Base64.getEncoder().encodeToString(signature));
    return o.toString();
  }

  /**
   * Reads {@link #toJson()}'s form.
   *
   * @throws IllegalArgumentException when it is not a receipt
   */
  public static Receipt fromJson(String json) {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("a receipt is JSON; this is not: " + e.getMessage());
    }
    if (o == null || !VERSION.equals(o.path("receipt").asText())) {
      throw new IllegalArgumentException("not a receipt: no \"receipt\": \"" + VERSION + "\"");
    }
    for (String f :
        new String[] {
          "actor", "seq", "head", "epoch", "node", "time_ms", "public_key", "signature"
        }) {
      if (!o.has(f)) {
        throw new IllegalArgumentException("the receipt has no " + f);
      }
    }
    return new Receipt(
        o.get("actor").asText(),
        o.get("seq").asLong(),
        EventHash.fromHex(o.get("head").asText()),
        o.get("epoch").asLong(),
        o.get("node").asText(),
        o.get("time_ms").asLong(),
        Base64.getDecoder().decode(o.get("public_key").asText()),
        Base64.getDecoder().decode(o.get("signature").asText()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Receipt r
        && actor.equals(r.actor)
        && seq == r.seq
        && head.equals(r.head)
        && epoch == r.epoch
        && node.equals(r.node)
        && timeMillis == r.timeMillis
        && Arrays.equals(publicKey, r.publicKey)
        && Arrays.equals(signature, r.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(actor, seq, head, epoch, node, timeMillis) * 31
        + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return toJson();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }
}
