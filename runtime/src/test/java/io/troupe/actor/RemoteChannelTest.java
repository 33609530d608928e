package io.troupe.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventTypes;
import io.troupe.error.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channels opened from another node: an open that reuses the id of a channel open already is
 * refused, and that channel keeps its ends; a message or close from another node must be on a
 * channel of that actor opened from another node.
 */
class RemoteChannelTest {
  private static final String MS = "troupe:actor/message-server-host";

  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension final ActorSystems systems = new ActorSystems();
  private final ActorSystem system = systems.build(b -> b.turnThreads(2));
  @TempDir Path dir;

  @Test
  void aSecondOpenOfAnOpenChannelIdIsRefused_andTheChannelKeepsItsEnds() throws Exception {
    ActorHandle room = echoRoom();
    Listener first = new Listener();
    Listener second = new Listener();
    JsonNode accepted =
        system
            .hosting()
            .deliver(open("m-1", room.id(), "c-1", "\"hi\""), first)
            .get(10, TimeUnit.SECONDS);
    assertThat(accepted.path("accepted").asBoolean()).isTrue();

    assertThatThrownBy(
            () ->
                system
                    .hosting()
                    .deliver(open("m-2", room.id(), "c-1", "\"mine now\""), second)
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("channel c-1 is open already");

    // the actor was told of one open only, and what it says on the channel reaches its opener
    system
        .hosting()
        .deliver(
            new Delivery.ChannelMessage(
                "m-3", Optional.empty(), room.id(), "c-1", json.readTree("{\"n\":1}")),
            first)
        .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> first.received.size() == 1);
    assertThat(second.received).isEmpty();
    assertThat(opens(room)).hasSize(1);
    assertThat(system.channelsOf(room.id())).containsExactly("c-1");

    // another node may speak on, or close, only a channel of that actor opened from another node
    ActorHandle other = echoRoom("other");
    for (Delivery forged :
        List.<Delivery>of(
            new Delivery.ChannelClose("m-5", Optional.empty(), other.id(), "c-1"),
            new Delivery.ChannelClose("m-6", Optional.empty(), room.id(), "c-9"),
            new Delivery.ChannelMessage(
                "m-7", Optional.empty(), other.id(), "c-1", json.readTree("1")))) {
      assertThatThrownBy(() -> system.hosting().deliver(forged, second).get(10, TimeUnit.SECONDS))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("is open from another node");
    }
    assertThat(system.channelsOf(room.id())).containsExactly("c-1");

    system
        .hosting()
        .deliver(new Delivery.ChannelClose("m-4", Optional.empty(), room.id(), "c-1"), first)
        .get(10, TimeUnit.SECONDS);
    assertThat(system.channelsOf(room.id())).isEmpty();
  }

  private Delivery.ChannelOpen open(String messageId, ActorId to, String channelId, String msg)
      throws Exception {
    return new Delivery.ChannelOpen(messageId, Optional.empty(), to, channelId, json.readTree(msg));
  }

  /** Accepts channels and echoes every channel message back on the same channel. */
  private ActorHandle echoRoom() throws Exception {
    return echoRoom("room");
  }

  private ActorHandle echoRoom(String name) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    return system.start(
        Fixture.manifest(
            d,
            Guests.module(
                Guests.hostImport(MS, "send-on-channel", "$son"),
                "1",
                Guests.constant(
                        Callbacks.HANDLE_CHANNEL_OPEN,
                        100,
                        "{\"Ok\":[null,{\"accepted\":true,\"message\":null}]}")
                    + Guests.forwards(Callbacks.HANDLE_CHANNEL_MESSAGE, "$son", "whole")
                    + Guests.constant(Callbacks.HANDLE_CHANNEL_CLOSE, 200, "{\"Ok\":[null]}")),
            "[[handler]]\ntype = \"message-server\"\n"));
  }

  private List<ChainEvent> opens(ActorHandle a) {
    return a.chain().stream()
        .filter(e -> e.type().equals(EventTypes.WASM_CALL))
        .filter(e -> e.dataAsString().contains(Callbacks.HANDLE_CHANNEL_OPEN))
        .toList();
  }

  private static final class Listener implements ChannelListener {
    final List<JsonNode> received = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(String channelId, JsonNode message) {
      received.add(message);
    }

    @Override
    public void onClose(String channelId, String reason) {}
  }
}
