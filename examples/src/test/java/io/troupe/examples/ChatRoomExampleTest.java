package io.troupe.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.ActorHandle;
import io.troupe.actor.ActorId;
import io.troupe.actor.ActorSystem;
import io.troupe.actor.ActorSystems;
import io.troupe.actor.ChannelListener;
import io.troupe.actor.ClientChannel;
import io.troupe.actor.LeavesOpen;
import io.troupe.manifest.ManifestParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChatRoomExampleTest {
  private final ObjectMapper json = new ObjectMapper();
  private final ManifestParser parser = new ManifestParser();
  @RegisterExtension final ActorSystems systems = new ActorSystems().replayingChains();
  private final ActorSystem system = systems.build();

  /** The manifest of actor {@code name} (room or member) in {@code lang}. */
  private static Path manifest(String lang, String name) {
    return GuestExamples.manifest("chat-room", lang, name);
  }

  @ParameterizedTest
  @MethodSource("io.troupe.examples.GuestExamples#languages")
  @LeavesOpen(
      value = LeavesOpen.What.CHANNELS,
      because = "the members stay in the room; the node's shutdown closes their channels")
  void membersHearEveryMessage_andALeavingClientIsDropped(String lang) throws Exception {
    ActorHandle room = system.start(parser.parse(manifest(lang, "room")), ActorId.of("room"));
    ActorHandle alice = system.start(parser.parse(manifest(lang, "member")));
    ActorHandle bob = system.start(parser.parse(manifest(lang, "member")));
    List<JsonNode> heard = new CopyOnWriteArrayList<>();
    ClientChannel carol =
        system
            .openChannel(
                room.id(),
                json.readTree("{\"join\":true}"),
                new ChannelListener() {
                  @Override
                  public void onMessage(String channelId, JsonNode message) {
                    heard.add(message);
                  }

                  @Override
                  public void onClose(String channelId, String reason) {}
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(room.state().orElseThrow()).hasSize(3);

    alice.send(json.readTree("\"hi, I am alice\"")).get(10, TimeUnit.SECONDS);
    bob.send(json.readTree("{\"from\":\"bob\",\"text\":\"hello\"}")).get(10, TimeUnit.SECONDS);
    carol.send(json.readTree("\"carol here\"")).get(10, TimeUnit.SECONDS);

    JsonNode all =
        json.readTree("[\"hi, I am alice\",{\"from\":\"bob\",\"text\":\"hello\"},\"carol here\"]");
    await().atMost(Duration.ofSeconds(20)).until(() -> heard.size() == 3);
    assertThat((JsonNode) json.valueToTree(heard)).isEqualTo(all);
    for (ActorHandle member : List.of(alice, bob)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> member.state().orElseThrow().size() == 4);
      JsonNode state = member.state().orElseThrow();
      assertThat(state.get(0).asText()).isIn(system.channelsOf(room.id()));
      for (int i = 0; i < 3; i++) {
        assertThat(state.get(i + 1)).isEqualTo(all.get(i));
      }
    }

    carol.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> room.state().orElseThrow().size() == 2);
    assertThat(room.state().orElseThrow().toString()).doesNotContain(carol.id());
  }
}
