package io.troupe.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

class ReceiptTest {
  private final KeyPair pair = pair();
  private final byte[] publicKey = Receipt.raw(pair.getPublic());
  private final EventHash head =
      EventHash.fromHex(Sha256.hex("x".getBytes(StandardCharsets.UTF_8)));

  private static KeyPair pair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private Receipt signed() {
    return Receipt.sign(
        "counter", 41, head, 2, "node-a", 1_764_000_000_000L, pair.getPrivate(), publicKey);
  }

  @Test
  void theSignedBytesAreTheDocumentedLines() {
    assertThat(new String(signed().signedBytes(), StandardCharsets.UTF_8))
        .isEqualTo(
            "troupe-receipt-v1\nactor=counter\nseq=41\nhead="
                + head.toHex()
                + "\nepoch=2\nnode=node-a\ntime_ms=1764000000000\n");
  }

  @Test
  void aReceiptVerifiesWithThePublicKeyAlone_andFailsForAnyOtherHeadOrKey() {
    Receipt r = signed();
    assertThat(r.verifiesWith(publicKey)).isTrue();
    Receipt back = Receipt.fromJson(r.toJson());
    assertThat(back).isEqualTo(r);
    assertThat(back.verifiesWith(publicKey)).isTrue();

    EventHash other = EventHash.fromHex(Sha256.hex("y".getBytes(StandardCharsets.UTF_8)));
    for (Receipt altered :
        new Receipt[] {
          new Receipt("counter", 41, other, 2, "node-a", r.timeMillis(), publicKey, r.signature()),
          new Receipt("counter", 40, head, 2, "node-a", r.timeMillis(), publicKey, r.signature()),
          new Receipt("kv", 41, head, 2, "node-a", r.timeMillis(), publicKey, r.signature()),
          new Receipt("counter", 41, head, 3, "node-a", r.timeMillis(), publicKey, r.signature()),
          new Receipt("counter", 41, head, 2, "node-b", r.timeMillis(), publicKey, r.signature())
        }) {
      assertThat(altered.verifiesWith(publicKey)).as(altered.toJson()).isFalse();
    }
    assertThat(r.verifiesWith(Receipt.raw(pair().getPublic()))).isFalse();
  }

  @Test
  void whatIsNotAReceiptIsRefusedInWords() {
    assertThatThrownBy(() -> Receipt.fromJson("{\"actor\":\"x\"}"))
        .hasMessageContaining("not a receipt");
    assertThatThrownBy(() -> Receipt.fromJson("nope")).hasMessageContaining("a receipt is JSON");
    assertThatThrownBy(() -> Receipt.publicKey(new byte[5])).hasMessageContaining("32 bytes");
  }
}
