package io.troupe.security;

import io.troupe.chain.EventHash;
import io.troupe.chain.Receipt;
import io.troupe.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Ed25519 key, which signs its receipts (docs/chain.md, "Receipts"): read from a PEM
 * file (PKCS#8, as {@code openssl genpkey -algorithm ed25519} writes it), or made there on first
 * start (readable by its owner only), its public half written beside it as {@code *.pub.pem}.
 */
public final class NodeKey {
  private static final Logger log = LoggerFactory.getLogger(NodeKey.class);

  /** DER prefix of an Ed25519 PKCS#8 (v1) private key; the 32-byte seed follows. */
  private static final byte[] PKCS8_PREFIX = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private final PrivateKey key;
  private final byte[] publicKey;

  private NodeKey(PrivateKey key, byte[] publicKey) {
    this.key = key;
    this.publicKey = publicKey;
  }

  /**
   * The key in {@code file}, made there if there is none yet.
   *
   * @throws InvalidArgumentException when the file is not an Ed25519 private key, or cannot be read
   *     or written
   */
  public static NodeKey loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      return read(file);
    } catch (IOException e) {
      throw new InvalidArgumentException("node key " + file + ": " + e.getMessage());
    }
  }

  /** A key for this run only: its receipts cannot be checked once the node is gone. */
  public static NodeKey ephemeral() {
    KeyPair pair = generate();
    return new NodeKey(pair.getPrivate(), Receipt.raw(pair.getPublic()));
  }

  private static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM makes no Ed25519 keys", e);
    }
  }

  private static void create(Path file) throws IOException {
    KeyPair pair = generate();
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      return; // another process made it first: use that one
    }
    Files.writeString(
        file, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardOpenOption.WRITE);
    Files.writeString(
        publicFile(file), pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.UTF_8);
    log.info("made node key {} (public key {})", file, base64(Receipt.raw(pair.getPublic())));
  }

  private static NodeKey read(Path file) throws IOException {
    byte[] der = unpem(Files.readString(file, StandardCharsets.US_ASCII), "PRIVATE KEY", file);
    if (der.length != PKCS8_PREFIX.length + 32
        || !Arrays.equals(Arrays.copyOf(der, PKCS8_PREFIX.length), PKCS8_PREFIX)) {
      throw new InvalidArgumentException(
          "node key " + file + " is not an Ed25519 private key (PKCS#8 PEM)");
    }
    byte[] seed = Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length);
    try {
      PrivateKey key =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
      byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
      return new NodeKey(key, pub);
    } catch (GeneralSecurityException e) {
      throw new InvalidArgumentException(
          "node key " + file + " is not an Ed25519 private key: " + e.getMessage());
    }
  }

  /** Where the public half of {@code file}'s key is written. */
  public static Path publicFile(Path file) {
    String name = file.getFileName().toString();
    String stem = name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
    return file.resolveSibling(stem + ".pub.pem");
  }

  /** The public key, raw (32 bytes). */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The public key, raw, in standard base64: what {@code ClusterStatus} shows. */
  public String publicKeyBase64() {
    return base64(publicKey);
  }

  /** A receipt for {@code head}, actor {@code actor}'s event {@code seq}, signed now. */
  public Receipt sign(
      String actor, long seq, EventHash head, long epoch, String node, long timeMillis) {
    return Receipt.sign(actor, seq, head, epoch, node, timeMillis, key, publicKey);
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  static byte[] unpem(String text, String type, Path file) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new InvalidArgumentException(file + " holds no PEM " + type);
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new InvalidArgumentException(file + ": the PEM " + type + " is not base64");
    }
  }
}
