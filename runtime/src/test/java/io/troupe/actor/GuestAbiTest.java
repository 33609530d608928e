package io.troupe.actor;

import static io.troupe.actor.Guests.REQUEST;
import static io.troupe.actor.Guests.SEND;
import static io.troupe.testing.ChainAssert.assertThatChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.chain.Sha256;
import io.troupe.error.ActorNotRunningException;
import io.troupe.error.GuestErrorException;
import io.troupe.error.GuestFaultException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Guest ABI v1 at its edges: none states, Err results, malformed results, bad pointers, traps. */
class GuestAbiTest {
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private final ActorSystem system = systems.build();
  @TempDir Path dir;

  private ActorHandle start(String body) {
    return system.start(Fixture.manifest(dir, Guests.module(body), ""));
  }

  private static RuntimeException cause(Throwable t) {
    return t instanceof CompletionException c
        ? (RuntimeException) c.getCause()
        : (RuntimeException) t;
  }

  private JsonNode node(String s) throws Exception {
    return json.readTree(s);
  }

  @Test
  void noneState_staysNone_andIsRecordedAsNullSha() throws Exception {
    ActorHandle a = start(Guests.constant(SEND, 100, "{\"Ok\":[null]}"));
    a.send(node("1")).join();
    assertThat(a.state()).isEmpty();
    ChainEvent result = a.chain().get(a.chain().size() - 1);
    assertThat(result.type()).isEqualTo(EventTypes.WASM_RESULT);
    assertThat(node(result.dataAsString()).get("state_sha256").isNull()).isTrue();
  }

  @Test
  void newState_isKeptByteForByte_andHashedExactly() throws Exception {
    String state = "{\"b\": 1,  \"a\":2.50, \"s\":\"x\\\"y\"}";
    ActorHandle a = start(Guests.constant(REQUEST, 100, "{\"Ok\":[" + state + " , [1, 2]]}"));
    JsonNode response = a.request(node("\"q\"")).join();
    assertThat(response).isEqualTo(node("[1,2]"));
    assertThat(a.state()).contains(node(state));
    ChainEvent result = a.chain().get(a.chain().size() - 1);
    assertThat(node(result.dataAsString()).get("state_sha256").asText())
        .isEqualTo(Sha256.hex(state.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void scalarState_isKeptExactly() throws Exception {
    ActorHandle a = start(Guests.constant(SEND, 100, "{\"Ok\":[\"a\\\\b\"]}"));
    a.send(node("1")).join();
    ChainEvent result = a.chain().get(a.chain().size() - 1);
    assertThat(node(result.dataAsString()).get("state_sha256").asText())
        .isEqualTo(Sha256.hex("\"a\\\\b\"".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void errResult_isAnApplicationError_recordedAndSurvived() throws Exception {
    ActorHandle a =
        start(
            Guests.constant(SEND, 100, "{\"Err\":\"no such thing\"}")
                + Guests.constant(REQUEST, 200, "{\"Ok\":[{\"n\":1},\"fine\"]}"));
    assertThatThrownBy(() -> a.send(node("1")).join())
        .satisfies(
            t ->
                assertThat(cause(t))
                    .isInstanceOf(GuestErrorException.class)
                    .hasMessageContaining("no such thing"));
    assertThat(a.status()).isEqualTo(ActorStatus.RUNNING);
    assertThat(a.request(node("1")).join().asText()).isEqualTo("fine");
    assertThatChain(a.chain())
        .hasTypes(
            EventTypes.ACTOR_STARTED,
            EventTypes.WASM_CALL,
            EventTypes.WASM_ERROR,
            EventTypes.WASM_CALL,
            EventTypes.WASM_RESULT);
    assertThat(node(a.chain().get(2).dataAsString()).get("fault").asBoolean()).isFalse();
  }

  @Test
  void malformedResultJson_isAFault_thatStopsOnlyThatActor() throws Exception {
    ActorHandle bad = start(Guests.constant(SEND, 100, "{\"Ok\":[{\"unterminated\""));
    ActorHandle good = start(Guests.constant(SEND, 100, "{\"Ok\":[null]}"));
    assertThatThrownBy(() -> bad.send(node("1")).join())
        .satisfies(
            t ->
                assertThat(cause(t))
                    .isInstanceOf(GuestFaultException.class)
                    .hasMessageContaining("ABI violation"));
    assertThat(bad.status()).isEqualTo(ActorStatus.FAILED);
    assertThatChain(bad.chain())
        .hasTypes(
            EventTypes.ACTOR_STARTED,
            EventTypes.WASM_CALL,
            EventTypes.WASM_ERROR,
            EventTypes.ACTOR_STOPPED);
    assertThatThrownBy(() -> bad.send(node("2")).join())
        .satisfies(t -> assertThat(cause(t)).isInstanceOf(ActorNotRunningException.class));
    good.send(node("1")).join();
    assertThat(good.status()).isEqualTo(ActorStatus.RUNNING);
  }

  @Test
  void resultsOfTheWrongShape_areFaults() throws Exception {
    for (String result :
        List.of(
            "{\"Ok\":null}",
            "{\"Yes\":[null]}",
            "{\"Ok\":[]}",
            "{\"Ok\":[null,1,2]}",
            "[]",
            "{\"Err\":1}",
            "{\"Ok\":[null]} x")) {
      ActorHandle a = start(Guests.constant(SEND, 100, result));
      assertThatThrownBy(() -> a.send(node("1")).join())
          .as(result)
          .satisfies(t -> assertThat(cause(t)).isInstanceOf(GuestFaultException.class));
    }
  }

  @Test
  void resultPointerOutsideMemory_isAFault() throws Exception {
    String body =
        "(func (export \""
            + SEND
            + "\") (param i32 i32 i32 i32) (result i64)"
            + " (i64.const "
            + ((0xFFFF0000L << 32) | 10)
            + "))";
    ActorHandle a = start(body);
    assertThatThrownBy(() -> a.send(node("1")).join())
        .satisfies(
            t ->
                assertThat(cause(t))
                    .isInstanceOf(GuestFaultException.class)
                    .hasMessageContaining("outside memory"));
  }

  @Test
  void trap_isRecordedAsWasmError_andStopsTheActor() throws Exception {
    ActorHandle a =
        start("(func (export \"" + SEND + "\") (param i32 i32 i32 i32) (result i64) unreachable)");
    assertThatThrownBy(() -> a.send(node("1")).join())
        .satisfies(
            t ->
                assertThat(cause(t))
                    .isInstanceOf(GuestFaultException.class)
                    .hasMessageContaining("trap"));
    JsonNode error = node(a.chain().get(2).dataAsString());
    assertThat(error.get("fault").asBoolean()).isTrue();
    assertThat(error.get("function").asText()).isEqualTo(SEND);
    assertThat(a.status()).isEqualTo(ActorStatus.FAILED);
  }

  @Test
  void missingCallback_isRefusedWithoutTouchingTheChain() throws Exception {
    ActorHandle a = start(Guests.constant(SEND, 100, "{\"Ok\":[null]}"));
    int before = a.chain().size();
    assertThatThrownBy(() -> a.request(node("1")).join())
        .satisfies(t -> assertThat(cause(t)).hasMessageContaining("does not export " + REQUEST));
    assertThat(a.chain()).hasSize(before);
    assertThat(a.status()).isEqualTo(ActorStatus.RUNNING);
  }

  @Test
  void init_receivesTheActorId_andItsStateBecomesTheFirstState() throws Exception {
    // init answers with its own params tuple as the state: ["<actor id>"]
    String body =
        "(func (export \""
            + Callbacks.INIT
            + "\") (param i32 i32 i32 i32) (result i64)"
            + " (local $out i32)"
            + " (local.set $out (call $alloc (i32.add (local.get 3) (i32.const 8))))"
            + " (i64.store (local.get $out) (i64.const 0x5b3a226b4f227b))" // {"Ok":[ little-endian,
            // 7 bytes
            + " (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get 2) (local.get 3))"
            + " (i32.store8 (i32.add (local.get $out) (i32.add (local.get 3) (i32.const 7))) (i32.const 93))"
            + " (i32.store8 (i32.add (local.get $out) (i32.add (local.get 3) (i32.const 8))) (i32.const 125))"
            + " (i64.or (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32)) (i64.extend_i32_u (i32.add (local.get 3) (i32.const 9)))))";
    ActorHandle a =
        system.start(Fixture.manifest(dir, Guests.module(body), ""), ActorId.of("my-actor"));
    assertThat(a.state()).contains(node("[\"my-actor\"]"));
  }

  @Test
  void failingInit_failsTheStart_butKeepsTheChain() {
    byte[] module = Guests.module(Guests.constant(Callbacks.INIT, 100, "{\"Err\":\"bad config\"}"));
    assertThatThrownBy(() -> system.start(Fixture.manifest(dir, module, ""), ActorId.of("doomed")))
        .isInstanceOf(GuestErrorException.class)
        .hasMessageContaining("bad config");
    ActorHandle a = system.get(ActorId.of("doomed"));
    assertThat(a.status()).isEqualTo(ActorStatus.FAILED);
    assertThatChain(a.chain())
        .hasTypes(
            EventTypes.ACTOR_STARTED,
            EventTypes.WASM_CALL,
            EventTypes.WASM_ERROR,
            EventTypes.ACTOR_STOPPED);
  }
}
