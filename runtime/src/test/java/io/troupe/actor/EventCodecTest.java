package io.troupe.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import io.troupe.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one writer and reader of the event schema: every built-in type goes there and back. */
class EventCodecTest {
  private final ObjectMapper json = new ObjectMapper();
  private final EventCodec codec = new EventCodec(json);

  private JsonNode tree(String s) {
    try {
      return json.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private ChainEvent event(String type, byte[] data) {
    return ChainEvent.create("a", 0, EventHash.ZERO, type, 1_000, data);
  }

  private Event roundTrip(Event e) {
    return codec.decode(event(e.type(), codec.encode(e)));
  }

  @Test
  void everyBuiltInTypeReadsBackAsWritten() {
    List<Event> events =
        List.of(
            new Event.Started(
                "counter",
                "0.1.0",
                "counter.toml",
                "ab",
                List.of("runtime", "timing"),
                Optional.of("cd"),
                "n1",
                0,
                Optional.of(ActorId.of("parent"))),
            new Event.Started(
                "c", "1", "s", "ab", List.of(), Optional.empty(), "n1", 0, Optional.empty()),
            new Event.Call(
                Callbacks.HANDLE_REQUEST,
                Optional.of("m1"),
                Optional.of(ActorId.of("b")),
                tree("[\"m1\",5]")),
            new Event.Call(Callbacks.INIT, Optional.empty(), Optional.empty(), tree("[\"a\"]")),
            new Event.Result(Callbacks.HANDLE_SEND, tree("null"), Optional.of("ef")),
            new Event.Result(Callbacks.HANDLE_REQUEST, tree("{\"x\":1}"), Optional.empty()),
            new Event.Error(Callbacks.HANDLE_SEND, "boom", true),
            new Event.HostCall("troupe:actor/runtime.log", tree("[\"hi\"]"), tree("{\"Ok\":null}")),
            new Event.AsyncStarted(
                "op1", "timing.sleep", tree("[10]"), "n1", Optional.empty(), false, 0),
            new Event.AsyncStarted(
                "op2", "compute.sha256", tree("[\"x\",2]"), "n1", Optional.of("n2"), true, 99),
            new Event.AsyncPlaced("op2", "n3", "n2", "n1"),
            new Event.AsyncCompleted("op1", "timing.sleep", tree("null"), Optional.empty(), "n1"),
            new Event.AsyncCompleted("op2", "compute.sha256", null, Optional.of("gone"), "n1"),
            new Event.Stopped("bye", Optional.of(tree("{\"code\":3}"))),
            new Event.Stopped("bye", Optional.empty()),
            new Event.Restarted("crash", false, Optional.empty(), 2, Optional.of("aa"), "n1"),
            new Event.Restarted("crash", true, Optional.of("no match"), 1, Optional.empty(), "n1"),
            new Event.Moved("n1", "n2", 3, "home left", Optional.of("bb"), List.of("op1")),
            new Event.Checkpoint(
                Optional.of("cc"),
                Optional.of("dd"),
                java.util.Map.of(
                    "m1",
                    new History.Answer(tree("42"), Optional.empty()),
                    "m2",
                    new History.Answer(null, Optional.of("cancelled"))),
                java.util.Set.of("r9"),
                List.of(
                    new History.OpenOperation(
                        "op3",
                        "timing.sleep",
                        tree("[50]"),
                        java.time.Instant.ofEpochMilli(1_234),
                        Optional.of("n2"),
                        true,
                        9_999)),
                java.util.Map.of("op4", tree("{\"Ok\":null}"))));
    for (Event e : events) {
      assertThat(roundTrip(e)).as(e.type()).isEqualTo(e);
    }
  }

  /** The spliced call writes its strings byte for byte as Jackson's tree writer did. */
  @Test
  void theSplicedCallEscapesAsTheTreeWriterDid() {
    byte[] params = "[1]".getBytes(StandardCharsets.UTF_8);
    for (String id :
        List.of(
            "m1",
            "quote \" back \\ slash",
            "ctl \n\t\u0001\u001f\u007f",
            "h\u00e9llo \u4e16 \ud83d\ude00",
            "lone \ud83d",
            "</script>")) {
      var f = json.getNodeFactory();
      String expected =
          "{\"function\":"
              + f.textNode("fn " + id)
              + ",\"message_id\":"
              + f.textNode(id)
              + ",\"sender\":"
              + f.textNode("s." + id)
              + ",\"params\":[1]}";
      byte[] spliced =
          codec.encodeCall("fn " + id, Optional.of(id), Optional.of(ActorId.of("s.x")), params);
      assertThat(spliced)
          .as(id)
          .isEqualTo(
              expected
                  .replace(f.textNode("s." + id).toString(), "\"s.x\"")
                  .getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theSplicedCallIsTheSameDocumentAsTheTypedOne() throws Exception {
    byte[] params = "[\"m1\",{\"n\":1}]".getBytes(StandardCharsets.UTF_8);
    byte[] spliced =
        codec.encodeCall(Callbacks.HANDLE_REQUEST, Optional.of("m1"), Optional.empty(), params);
    byte[] typed =
        codec.encode(
            new Event.Call(
                Callbacks.HANDLE_REQUEST,
                Optional.of("m1"),
                Optional.empty(),
                json.readTree(params)));
    assertThat(json.readTree(spliced)).isEqualTo(json.readTree(typed));
    assertThat(new String(spliced, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"function\":\"troupe:actor/message-server-client.handle-request\","
                + "\"message_id\":\"m1\",\"sender\":null,\"params\":[\"m1\",{\"n\":1}]}");
  }

  @Test
  void fieldsAreTheDocumentedOnes() {
    String moved =
        new String(
            codec.encode(new Event.Moved("n1", "n2", 3, "why", Optional.empty(), List.of("op1"))),
            StandardCharsets.UTF_8);
    assertThat(moved)
        .isEqualTo(
            "{\"from_node\":\"n1\",\"node\":\"n2\",\"epoch\":3,\"reason\":\"why\","
                + "\"state_sha256\":null,\"open_ops\":[\"op1\"]}");
    String done =
        new String(
            codec.encode(new Event.AsyncCompleted("op", "k", null, Optional.of("err"), "n1")),
            StandardCharsets.UTF_8);
    assertThat(done)
        .isEqualTo("{\"op_id\":\"op\",\"kind\":\"k\",\"error\":\"err\",\"node\":\"n1\"}");
  }

  @Test
  void aTypeItDoesNotKnowIsOtherAndBadDataIsAClearError() {
    assertThat(codec.decode(event("app.custom", new byte[] {1, 2})))
        .isEqualTo(new Event.Other("app.custom"));
    assertThatThrownBy(() -> codec.decode(event("wasm.call", "{nope".getBytes())))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("event 0 of actor a (wasm.call) is not JSON");
    assertThatThrownBy(() -> codec.decode(event("wasm.call", "[1]".getBytes())))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("is not an object");
  }

  @Test
  void anOutcomeIsWhatHandleResultGets() {
    assertThat(
            codec.outcome(new Event.AsyncCompleted("op", "k", tree("7"), Optional.empty(), "n1")))
        .isEqualTo(tree("{\"Ok\":7}"));
    assertThat(codec.outcome(new Event.AsyncCompleted("op", "k", null, Optional.of("no"), "n1")))
        .isEqualTo(tree("{\"Err\":\"no\"}"));
  }
}
