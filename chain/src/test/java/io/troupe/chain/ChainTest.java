package io.troupe.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainTest {

  private static Chain sample(int events) {
    Chain chain = new Chain("actor-1");
    for (int i = 0; i < events; i++) {
      chain.append(
          i == 0 ? EventTypes.ACTOR_STARTED : EventTypes.WASM_CALL,
          1000L + i,
          ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    return chain;
  }

  @Test
  void append_linksEachEventToItsParent() {
    List<ChainEvent> events = sample(5).events();
    assertThat(events.get(0).parent()).isEqualTo(EventHash.ZERO);
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).seq()).isEqualTo(i);
      assertThat(events.get(i).parent()).isEqualTo(events.get(i - 1).hash());
    }
    assertThat(ChainVerifier.verify(events).valid()).isTrue();
    assertThat(ChainVerifier.verify(events).eventCount()).isEqualTo(5);
  }

  @Test
  void hash_matchesTheDocumentedEncoding() {
    // Recomputes docs/chain.md's encoding by hand, independently of EventHasher.
    ChainEvent e = ChainEvent.create("a", 0, EventHash.ZERO, "t", 7, new byte[] {'{', '}'});
    var buf = java.nio.ByteBuffer.allocate(16 + 8 + 32 + 4 + 1 + 4 + 1 + 8 + 4 + 2);
    buf.put("troupe-chain-v1\n".getBytes(StandardCharsets.US_ASCII));
    buf.putLong(0).put(new byte[32]).putInt(1).put((byte) 'a').putInt(1).put((byte) 't');
    buf.putLong(7).putInt(2).put(new byte[] {'{', '}'});
    String expected = Sha256.hex(buf.array());
    assertThat(e.hash().toHex()).isEqualTo(expected);
  }

  @Test
  void verify_namesTheFirstBadSeq_whateverFieldIsTamperedAtWhateverPosition() {
    List<ChainEvent> events = sample(6).events();
    for (int pos = 0; pos < events.size(); pos++) {
      for (int field = 0; field < 6; field++) {
        List<ChainEvent> tampered = new ArrayList<>(events);
        tampered.set(pos, tamper(events.get(pos), field));
        Verification v = ChainVerifier.verify(tampered);
        assertThat(v.valid()).as("field %s at %s", field, pos).isFalse();
        assertThat(v.firstBadSeq()).as("field %s at %s", field, pos).isEqualTo(pos);
        assertThat(v.describe()).contains("actor-1").contains("seq " + pos);
      }
    }
  }

  @Test
  void verify_detectsRemovedAndReorderedEvents() {
    List<ChainEvent> events = new ArrayList<>(sample(4).events());
    List<ChainEvent> removed = new ArrayList<>(events);
    removed.remove(2);
    assertThat(ChainVerifier.verify(removed).firstBadSeq()).isEqualTo(2);
    List<ChainEvent> swapped = new ArrayList<>(events);
    swapped.set(1, events.get(2));
    swapped.set(2, events.get(1));
    assertThat(ChainVerifier.verify(swapped).firstBadSeq()).isEqualTo(1);
    assertThat(ChainVerifier.verify(events.subList(1, 4)).firstBadSeq()).isEqualTo(0);
  }

  @Test
  void verify_ofAnEmptyChain_isValidWithNoEvents() {
    assertThat(ChainVerifier.verify(List.of()).valid()).isTrue();
  }

  @Test
  void jsonLines_roundTrip() throws Exception {
    List<ChainEvent> events = sample(4).events();
    StringWriter w = new StringWriter();
    ChainCodec.write(events, w);
    String text = w.toString();
    assertThat(text.lines()).hasSize(4);
    assertThat(text.lines().findFirst().orElseThrow())
        .contains("\"parent\":\"" + "0".repeat(64) + "\"")
        .contains("\"seq\":0");
    assertThat(ChainCodec.read(new StringReader(text))).isEqualTo(events);
  }

  @Test
  void read_namesTheLineOfAMalformedEvent() {
    String text = ChainCodec.toLine(sample(1).events().get(0)) + "\n{\"actor\":\"x\"}\n";
    assertThatThrownBy(() -> ChainCodec.read(new StringReader(text)))
        .isInstanceOf(ChainCodec.MalformedChainException.class)
        .hasMessageContaining("line 2");
  }

  /** The streaming verifier agrees with the list one on every tampering, and stops at the break. */
  @Test
  void streamingVerification_agreesWithTheListOne_andStopsAtTheFirstBadEvent() throws Exception {
    List<ChainEvent> events = sample(6).events();
    for (int pos = 0; pos < events.size(); pos++) {
      for (int field = 0; field < 6; field++) {
        List<ChainEvent> tampered = new ArrayList<>(events);
        tampered.set(pos, tamper(events.get(pos), field));
        StringWriter w = new StringWriter();
        ChainCodec.write(tampered, w);
        ChainVerifier.Running running = ChainVerifier.streaming();
        List<ChainEvent> seen = new ArrayList<>();
        ChainCodec.read(
            new java.io.ByteArrayInputStream(w.toString().getBytes(StandardCharsets.UTF_8)),
            e -> {
              seen.add(e);
              return running.accept(e);
            });
        Verification v = running.result();
        assertThat(v.valid()).isFalse();
        assertThat(v.firstBadSeq()).isEqualTo(ChainVerifier.verifyExport(tampered).firstBadSeq());
        assertThat(v.reason()).isEqualTo(ChainVerifier.verifyExport(tampered).reason());
        assertThat(seen).as("read no further than the break").hasSize(pos + 1);
      }
    }
    ChainVerifier.Running whole = ChainVerifier.streaming();
    events.forEach(whole::accept);
    assertThat(whole.result()).isEqualTo(ChainVerifier.verify(events));
    // a pruned chain verifies from its anchor, as an export does
    ChainVerifier.Running pruned = ChainVerifier.streaming();
    events.subList(2, 6).forEach(pruned::accept);
    assertThat(pruned.result().valid()).isTrue();
    assertThat(pruned.firstSeq()).isEqualTo(2);
    assertThat(pruned.anchor()).isEqualTo(events.get(1).hash());
  }

  @Test
  void streamingRead_refusesWhatTheListReadRefuses_namingTheLine() {
    String good = ChainCodec.toLine(sample(1).events().get(0));
    for (String bad :
        List.of(
            "{\"actor\":\"x\"}",
            good.replace("\"seq\":0", "\"seq\":\"0\""),
            good.replace("\"data\":\"", "\"data\":\"!!"),
            "[1,2]",
            "{not json")) {
      String text = good + "\n" + bad + "\n";
      assertThatThrownBy(
              () ->
                  ChainCodec.read(
                      new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                      e -> true))
          .as(bad)
          .isInstanceOf(ChainCodec.MalformedChainException.class)
          .hasMessageContaining("line 2");
    }
  }

  @Test
  void eventHash_rejectsWrongLengths() {
    assertThatThrownBy(() -> EventHash.of(new byte[31])).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> EventHash.fromHex("zz")).hasMessageContaining("64 hex");
    assertThat(EventHash.fromHex(HexFormat.of().formatHex(new byte[32]))).isEqualTo(EventHash.ZERO);
  }

  private static ChainEvent tamper(ChainEvent e, int field) {
    byte[] flipped = e.hash().toBytes();
    flipped[0] ^= 1;
    return switch (field) {
      case 0 ->
          new ChainEvent(
              e.actor() + "x", e.seq(), e.parent(), e.type(), e.timestamp(), e.data(), e.hash());
      case 1 ->
          new ChainEvent(
              e.actor(), e.seq(), e.parent(), e.type() + "x", e.timestamp(), e.data(), e.hash());
      case 2 ->
          new ChainEvent(
              e.actor(), e.seq(), e.parent(), e.type(), e.timestamp() + 1, e.data(), e.hash());
      case 3 -> {
        byte[] d = e.data();
        d[0] ^= 1;
        yield new ChainEvent(e.actor(), e.seq(), e.parent(), e.type(), e.timestamp(), d, e.hash());
      }
      case 4 ->
          new ChainEvent(
              e.actor(),
              e.seq(),
              e.parent(),
              e.type(),
              e.timestamp(),
              e.data(),
              EventHash.of(flipped));
      default ->
          new ChainEvent(
              e.actor(), e.seq() + 1, e.parent(), e.type(), e.timestamp(), e.data(), e.hash());
    };
  }
}
