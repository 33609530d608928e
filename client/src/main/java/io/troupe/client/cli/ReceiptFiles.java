package io.troupe.client.cli;

import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.chain.Receipt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/** Receipts and public keys as a person hands them to the CLI, and what checks them. */
final class ReceiptFiles {
  private ReceiptFiles() {}

  static Receipt receipt(Path file) {
    try {
      return Receipt.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  /**
   * The raw Ed25519 key {@code key} names: a PEM file ({@code PUBLIC KEY}), or base64 of the raw 32
   * bytes.
   */
  static byte[] publicKey(String key) {
    Path file = Path.of(key);
    if (Files.isRegularFile(file)) {
      try {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PUBLIC KEY-----";
        int b = text.indexOf(begin);
        int e = text.indexOf("-----END PUBLIC KEY-----");
        if (b < 0 || e < b) {
          throw new IllegalArgumentException(file + " holds no PEM PUBLIC KEY");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        return Receipt.raw(
            java.security.KeyFactory.getInstance("Ed25519")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(der)));
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new IllegalArgumentException(
            file + " is not an Ed25519 public key: " + e.getMessage());
      }
    }
    try {
      byte[] raw = Base64.getDecoder().decode(key.strip());
      Receipt.publicKey(raw); // 32 bytes, a point on the curve
      return raw;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--pubkey "
              + key
              + ": neither a PEM file nor a base64 Ed25519 key ("
              + e.getMessage()
              + ")");
    }
  }

  /**
   * What is wrong with {@code receipt} for a chain that verified, or null: the signature must be
   * {@code key}'s, and the chain must hold the head it names, at its seq, for its actor.
   */
  static String problem(
      Receipt receipt, String key, ChainVerifier.Running chain, EventHash atReceiptSeq) {
    byte[] trusted = publicKey(key);
    if (!Arrays.equals(trusted, receipt.publicKey())) {
      return "the receipt was signed by another key than --pubkey";
    }
    if (!receipt.verifiesWith(trusted)) {
      return "the receipt's signature does not verify: it was altered or not signed by that key";
    }
    if (!receipt.actor().equals(chain.result().actor())) {
      return "the receipt is for actor "
          + receipt.actor()
          + ", the chain is "
          + chain.result().actor();
    }
    if (atReceiptSeq == null) {
      return "the chain has no event " + receipt.seq() + ", the seq the receipt names";
    }
    if (!atReceiptSeq.equals(receipt.head())) {
      return "the chain's event "
          + receipt.seq()
          + " has hash "
          + atReceiptSeq.toHex()
          + ", not the head the receipt names ("
          + receipt.head().toHex()
          + ")";
    }
    return null;
  }
}
