package io.troupe.actor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.Chain;
import io.troupe.chain.ChainEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading a chain once into what a new home continues from. */
class HistoryTest {
  private static final String RESPOND = Ledger.RESPOND_TO_REQUEST;
  private static final String CANCEL = Ledger.CANCEL_REQUEST;

  private final ObjectMapper json = new ObjectMapper();
  private final EventCodec codec = new EventCodec(json);
  private final Chain chain = new Chain("a");
  private long now = 1_000;

  private JsonNode tree(String s) {
    try {
      return json.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private void add(Event e) {
    chain.append(e.type(), now++, codec.encode(e));
  }

  private void started() {
    add(
        new Event.Started(
            "t", "1", "t.toml", "ab", List.of(), Optional.of("s0"), "n1", 0, Optional.empty()));
  }

  private void turn(String function, String messageId, String params, String result, String state) {
    add(new Event.Call(function, Optional.ofNullable(messageId), Optional.empty(), tree(params)));
    add(new Event.Result(function, tree(result), Optional.ofNullable(state)));
  }

  private History read() {
    return History.read(chain.events(), codec);
  }

  @Test
  void aNewActorsHistoryIsItsInitialState() {
    started();
    History h = read();
    assertThat(h.length()).isEqualTo(1);
    assertThat(h.lastState()).contains("s0");
    assertThat(h.answered()).isEmpty();
    assertThat(h.open()).isEmpty();
  }

  @Test
  void handledMessagesAreRememberedWithTheirAnswersAndDeferredRequestsAreOwed() {
    started();
    turn(Callbacks.HANDLE_SEND, "s1", "[5]", "null", "s1");
    turn(Callbacks.HANDLE_REQUEST, "r1", "[\"r1\",1]", "42", "s2");
    turn(Callbacks.HANDLE_REQUEST, "r2", "[\"r2\",1]", "null", "s3"); // deferred
    turn(Callbacks.HANDLE_REQUEST, "r3", "[\"r3\",1]", "null", "s4"); // deferred
    turn(Callbacks.HANDLE_REQUEST, "r4", "[\"r4\",1]", "null", "s5"); // deferred
    add(new Event.Call(Callbacks.HANDLE_SEND, Optional.of("s2"), Optional.empty(), tree("[0]")));
    add(new Event.HostCall(RESPOND, tree("[\"r2\",\"late\"]"), tree("{\"Ok\":null}")));
    add(new Event.HostCall(CANCEL, tree("[\"r3\"]"), tree("{\"Ok\":null}")));
    add(new Event.HostCall(RESPOND, tree("[\"r4\",1]"), tree("{\"Err\":\"no\"}")));
    add(new Event.Result(Callbacks.HANDLE_SEND, tree("null"), Optional.of("s6")));
    turn(Callbacks.HANDLE_SEND, "s3", "[1]", "null", null);

    History h = read();
    assertThat(h.lastState()).isEmpty(); // the last turn left no state
    assertThat(h.answered()).containsKeys("s1", "r1", "r2", "r3", "s2", "s3");
    assertThat(h.answered().get("s1").value()).isNull();
    assertThat(h.answered().get("r1").value()).isEqualTo(tree("42"));
    assertThat(h.answered().get("r2").value()).isEqualTo(tree("\"late\""));
    assertThat(h.answered().get("r3").cancelled()).contains("request r3 cancelled by actor a");
    assertThat(h.owed()).containsExactly("r4"); // its answer failed, so it is still owed
  }

  @Test
  void anAnswerKnowsTheMessageItAnsweredSoAReusedIdIsToldFromARetry() {
    started();
    turn(Callbacks.HANDLE_SEND, "s1", "[{\"add\": 1.5}]", "null", "s1");
    turn(Callbacks.HANDLE_REQUEST, "r1", "[\"r1\",\"total?\"]", "42", "s2");
    turn(Callbacks.HANDLE_REQUEST, "r2", "[\"r2\",7]", "null", "s3"); // deferred
    add(new Event.HostCall(RESPOND, tree("[\"r2\",\"late\"]"), tree("{\"Ok\":null}")));
    ActorId a = ActorId.of("a");
    History h = read();
    History.Answer s1 = h.answered().get("s1");
    assertThat(
            s1.answers(
                Ledger.digest(new Delivery.Send("s1", Optional.empty(), a, tree("{\"add\":1.5}")))))
        .isTrue();
    assertThat(
            s1.answers(
                Ledger.digest(new Delivery.Send("s1", Optional.empty(), a, tree("{\"add\":2}")))))
        .isFalse();
    // the same message as a request is another message
    assertThat(
            s1.answers(
                Ledger.digest(
                    new Delivery.Request("s1", Optional.empty(), a, tree("{\"add\":1.5}")))))
        .isFalse();
    assertThat(
            h.answered()
                .get("r1")
                .answers(
                    Ledger.digest(
                        new Delivery.Request("r1", Optional.empty(), a, tree("\"total?\"")))))
        .isTrue();
    assertThat(
            h.answered()
                .get("r2")
                .answers(Ledger.digest(new Delivery.Request("r2", Optional.empty(), a, tree("7")))))
        .isTrue();
    assertThat(
            h.answered()
                .get("r2")
                .answers(Ledger.digest(new Delivery.Request("r2", Optional.empty(), a, tree("8")))))
        .isFalse();
    // and a checkpoint carries what each answer answered
    add(h.checkpoint());
    int last = chain.events().size() - 1;
    History again = History.read(chain.events().subList(last, last + 1), codec);
    assertThat(again.answered().get("r1").asked())
        .isEqualTo(h.answered().get("r1").asked())
        .isPresent();
  }

  @Test
  void aFailedTurnIsNotRememberedAndAStopForgivesWhatWasOwed() {
    started();
    add(new Event.Call(Callbacks.HANDLE_SEND, Optional.of("s1"), Optional.empty(), tree("[1]")));
    add(new Event.Error(Callbacks.HANDLE_SEND, "boom", false));
    turn(Callbacks.HANDLE_REQUEST, "r1", "[\"r1\",1]", "null", "s1");
    add(new Event.Stopped("bye", Optional.empty()));
    History h = read();
    assertThat(h.answered()).doesNotContainKey("s1");
    assertThat(h.owed()).isEmpty();
  }

  @Test
  void operationsLeftOpenAndResultsNotHandedOverAreFound() {
    started();
    add(
        new Event.AsyncStarted(
            "t1", "timing.sleep", tree("[50]"), "n1", Optional.empty(), false, 0));
    add(
        new Event.AsyncStarted(
            "d1", "compute.sha256", tree("[\"x\",1]"), "n1", Optional.of("n2"), true, 9_999));
    add(new Event.AsyncPlaced("d1", "n3", "n2", "n1"));
    add(
        new Event.AsyncStarted(
            "t2", "timing.sleep", tree("[1]"), "n1", Optional.empty(), false, 0));
    add(new Event.AsyncCompleted("t2", "timing.sleep", tree("null"), Optional.empty(), "n1"));
    add(
        new Event.AsyncStarted(
            "t3", "timing.sleep", tree("[1]"), "n1", Optional.empty(), false, 0));
    add(new Event.AsyncCompleted("t3", "timing.sleep", null, Optional.of("gone"), "n1"));
    turn(Callbacks.HANDLE_RESULT, null, "[\"t3\",{\"Err\":\"gone\"}]", "null", "s1");

    History h = read();
    assertThat(h.open()).extracting(History.OpenOperation::opId).containsExactly("t1", "d1");
    History.OpenOperation timer = h.open().get(0);
    assertThat(timer.startedAt()).isEqualTo(Instant.ofEpochMilli(1_001));
    assertThat(timer.worker()).isEmpty();
    History.OpenOperation dispatched = h.open().get(1);
    assertThat(dispatched.worker()).contains("n3"); // the last worker named
    assertThat(dispatched.idempotent()).isTrue();
    assertThat(dispatched.deadlineMillis()).isEqualTo(9_999);
    assertThat(h.undelivered()).containsOnlyKeys("t2");
    assertThat(h.undelivered().get("t2")).isEqualTo(tree("{\"Ok\":null}"));
  }

  @Test
  void aRestartOrAMoveSetsTheStateToGoOnFrom() {
    started();
    turn(Callbacks.HANDLE_SEND, "s1", "[1]", "null", "s1");
    add(
        new Event.AsyncStarted(
            "t1", "timing.sleep", tree("[50]"), "n1", Optional.empty(), false, 0));
    add(new Event.Restarted("crash", true, Optional.empty(), 1, Optional.of("s0"), "n1"));
    assertThat(read().lastState()).contains("s0");
    assertThat(read().open()).isEmpty(); // a restart fails what was pending
    add(new Event.Moved("n1", "n2", 1, "left", Optional.of("s0"), List.of()));
    assertThat(read().lastState()).contains("s0");
  }

  @Test
  void aCheckpointCarriesWhatCameBeforeItSoThatANewHomeNeedsNothingEarlier() {
    started();
    turn(Callbacks.HANDLE_SEND, "s1", "[1]", "null", "s1");
    turn(Callbacks.HANDLE_REQUEST, "r1", "[\"r1\",1]", "null", "s2"); // owed
    add(
        new Event.AsyncStarted(
            "t1", "timing.sleep", tree("[50]"), "n1", Optional.empty(), false, 0));
    History before = read();
    add(before.checkpoint());
    ChainEvent checkpoint = chain.events().get(chain.events().size() - 1);
    turn(Callbacks.HANDLE_SEND, "s2", "[2]", "null", "s3");

    // read from the checkpoint on only, as a new home would
    List<ChainEvent> tail = chain.range(checkpoint.seq(), chain.size());
    History h = History.read(tail, codec);
    assertThat(h.length()).isEqualTo(chain.size());
    assertThat(h.lastState()).contains("s3");
    assertThat(h.answered()).containsKeys("s1", "s2");
    assertThat(h.owed()).containsExactly("r1");
    assertThat(h.open()).extracting(History.OpenOperation::opId).containsExactly("t1");
  }

  @Test
  void aCheckpointCarriesAsManyRecentAnswersAsTheHomeRemembersWithinItsByteBound() {
    started();
    for (int i = 0; i < 5_000; i++) { // small answers: as many as the home remembers
      turn(Callbacks.HANDLE_SEND, "m" + i, "[1]", "null", "s");
    }
    assertThat(read().checkpoint().answered())
        .hasSize(Ledger.REMEMBERED)
        .containsKey("m4999")
        .doesNotContainKey("m903");
    String big = "\"" + "x".repeat(100_000) + "\"";
    for (int i = 0; i < 20; i++) { // large ones: the most recent that fit in a MiB
      turn(Callbacks.HANDLE_REQUEST, "r" + i, "[\"r" + i + "\",1]", big, "s");
    }
    Event.Checkpoint c = read().checkpoint();
    assertThat(c.answered().keySet()).last().isEqualTo("r19");
    assertThat(c.answered()).hasSizeLessThanOrEqualTo(10).containsKey("r10");
    assertThat(codec.encode(c).length).isLessThan(History.ANSWER_BYTES_IN_A_CHECKPOINT + 64 * 1024);
  }

  /**
   * Checkpoints keep message digests: the fast form must give what the first one did (SHA-256 of
   * the callback, a zero byte and {@code String.valueOf(message)}).
   */
  @Test
  void theMessageDigestIsTheOneCheckpointsRecorded() throws Exception {
    for (String m :
        List.of(
            "5",
            "-1.5e300",
            "0.1",
            "12345678901234567890123",
            "\"total?\"",
            "\"h\u00e9llo \u00fc\"",
            "\"\u4e16\u754c\"",
            "\"\ud83d\ude00\"",
            "\"lone \\ud83d surrogate\"",
            "{\"add\":1.5,\"b\":[true,null,{\"x\":\"\\n\\t\\\"\"}]}",
            "[]",
            "null")) {
      JsonNode node = tree(m);
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update("handle-send".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(String.valueOf(node).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(History.digest("handle-send", node))
          .as(m)
          .isEqualTo(java.util.HexFormat.of().formatHex(sha.digest(), 0, 16));
    }
  }
}
