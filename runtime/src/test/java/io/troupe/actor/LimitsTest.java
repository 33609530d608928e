package io.troupe.actor;

import static io.troupe.actor.Guests.REQUEST;
import static io.troupe.actor.Guests.SEND;
import static io.troupe.testing.ChainAssert.assertThatChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.EventTypes;
import io.troupe.error.GuestFaultException;
import io.troupe.error.LimitExceededException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every [limits] setting is enforced, with a clear error, and the node carries on. */
class LimitsTest {
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private ActorSystem system = systems.build();
  @TempDir Path dir;

  @Test
  void runawayLoop_isStoppedAtItsDeadline_andTheNodeCarriesOn() throws Exception {
    String body =
        "(func (export \""
            + SEND
            + "\") (param i32 i32 i32 i32) (result i64) (loop $forever (br $forever)) (i64.const 0))"
            + Guests.constant(REQUEST, 100, "{\"Ok\":[null,\"alive\"]}");
    ActorHandle runaway =
        system.start(
            Fixture.manifest(dir, Guests.module(body), "[limits]\ncall_timeout_ms = 200\n"));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> runaway.send(json.readTree("1")).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(GuestFaultException.class)
        .hasMessageContaining("deadline of 200 ms");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(10_000);
    assertThat(runaway.status()).isEqualTo(ActorStatus.FAILED);
    assertThatChain(runaway.chain())
        .hasTypes(
            EventTypes.ACTOR_STARTED,
            EventTypes.WASM_CALL,
            EventTypes.WASM_ERROR,
            EventTypes.ACTOR_STOPPED);

    // The pool threads are clean: many turns of another actor after the interrupt all succeed.
    ActorHandle other = system.start(Fixture.manifest(dir, Guests.module(body), ""));
    for (int i = 0; i < 50; i++) {
      assertThat(other.request(json.readTree("1")).join().asText()).isEqualTo("alive");
    }
  }

  @Test
  void memoryGrowth_pastMemoryPages_fails() throws Exception {
    // Responds true when memory.grow by 10 pages is refused (-1).
    String body =
        "(data (i32.const 100) \"{\\\"Ok\\\":[null,true]}\")"
            + "(data (i32.const 200) \"{\\\"Ok\\\":[null,false]}\")"
            + "(func (export \""
            + REQUEST
            + "\") (param i32 i32 i32 i32) (result i64)"
            + " (if (result i64) (i32.eq (memory.grow (i32.const 10)) (i32.const -1))"
            + "  (then (i64.const "
            + ((100L << 32) | 18)
            + "))"
            + "  (else (i64.const "
            + ((200L << 32) | 19)
            + "))))";
    ActorHandle limited =
        system.start(Fixture.manifest(dir, Guests.module(body), "[limits]\nmemory_pages = 4\n"));
    assertThat(limited.request(json.readTree("1")).join().asBoolean()).isTrue();
    ActorHandle roomy =
        system.start(Fixture.manifest(dir, Guests.module(body), "[limits]\nmemory_pages = 64\n"));
    assertThat(roomy.request(json.readTree("1")).join().asBoolean()).isFalse();
  }

  /** A state larger than an actor may keep fails the turn; the actor keeps its last state. */
  @Test
  void aStateOverTheCeiling_failsTheTurn_andTheActorKeepsItsState() throws Exception {
    int n = 17 << 20; // a JSON string of 17 MiB of 'a'
    String body =
        "(data (i32.const 100) \"{\\\"Ok\\\":[\\\"\")" // {"Ok":["
            + "(data (i32.const 200) \"\\\",null]}\")" // ",null]}
            + "(func (export \""
            + REQUEST
            + "\") (param i32 i32 i32 i32) (result i64)"
            + " (drop (memory.grow (i32.const 300)))"
            + " (memory.copy (i32.const 65536) (i32.const 100) (i32.const 8))"
            + " (memory.fill (i32.const 65544) (i32.const 97) (i32.const "
            + n
            + "))"
            + " (memory.copy (i32.const "
            + (65544 + n)
            + ") (i32.const 200) (i32.const 8))"
            + " (i64.const "
            + ((65536L << 32) | (n + 16))
            + "))";
    ActorHandle big =
        system.start(
            Fixture.manifest(
                dir, Guests.module(body), "init_state = 7\n[limits]\nmemory_pages = 512\n"));
    assertThatThrownBy(() -> big.request(json.readTree("1")).join())
        .hasCauseInstanceOf(io.troupe.error.GuestFaultException.class)
        .hasMessageContaining("returned a state of " + (n + 2) + " bytes")
        .hasMessageContaining("at most " + io.troupe.manifest.Limits.MAX_STATE_BYTES);
    assertThat(big.state()).contains(json.readTree("7"));
  }

  @Test
  void moduleNeedingMorePagesThanAllowed_isRefusedAtStart() {
    byte[] module = Guests.module("", "8", Guests.constant(SEND, 100, "{\"Ok\":[null]}"));
    assertThatThrownBy(
            () -> system.start(Fixture.manifest(dir, module, "[limits]\nmemory_pages = 4\n")))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("8 memory pages")
        .hasMessageContaining("limits.memory_pages");
  }

  @Test
  void oversizedMessage_isRefusedBeforeItReachesTheActor() throws Exception {
    ActorHandle a =
        system.start(
            Fixture.manifest(
                dir,
                Guests.module(Guests.constant(SEND, 100, "{\"Ok\":[null]}")),
                "[limits]\nmax_message_bytes = 64\n"));
    int before = a.chain().size();
    assertThatThrownBy(() -> a.send(json.getNodeFactory().textNode("x".repeat(100))))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("exceeds its limit of 64 bytes");
    assertThat(a.chain()).hasSize(before);
    a.send(json.getNodeFactory().textNode("small")).join();
  }

  @Test
  void fullMailbox_refusesWithAClearError_andLosesNothingQueued() throws Exception {
    ManualExecutor turns = new ManualExecutor();
    system.shutdown();
    system = systems.build(b -> b.executor(turns));
    var started =
        system.startAsync(
            Fixture.manifest(
                dir,
                Guests.module(Guests.constant(SEND, 100, "{\"Ok\":[null]}")),
                "[limits]\nmailbox_capacity = 3\n"),
            ActorId.of("busy"));
    turns.runAll();
    ActorHandle a = started.join();
    List<CompletableFuture<Void>> accepted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      accepted.add(a.send(json.readTree(String.valueOf(i))));
    }
    assertThat(a.mailboxDepth()).isEqualTo(3);
    assertThatThrownBy(() -> a.send(json.readTree("99")))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("mailbox of actor busy is full (3 messages");
    turns.runAll();
    CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).join();
    assertThat(a.chain().stream().filter(e -> e.type().equals(EventTypes.WASM_RESULT))).hasSize(3);
    turns.runInline(); // let shutdown's stop turns through
  }

  /** Runs submitted tasks only when told, so a test controls exactly when turns happen. */
  static final class ManualExecutor extends AbstractExecutorService {
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean shutdown;
    private boolean inline;

    @Override
    public void execute(Runnable command) {
      synchronized (this) {
        if (!inline) {
          tasks.add(command);
          return;
        }
      }
      command.run();
    }

    synchronized void runInline() {
      inline = true;
    }

    void runAll() {
      while (true) {
        Runnable r;
        synchronized (this) {
          r = tasks.poll();
        }
        if (r == null) {
          return;
        }
        r.run();
      }
    }

    @Override
    public synchronized void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown();
      return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
      return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
