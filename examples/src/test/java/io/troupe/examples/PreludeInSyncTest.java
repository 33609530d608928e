package io.troupe.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * WAT has no includes, so the examples that use lib/prelude.wat carry a copy of it; this keeps
 * every copy identical to the original.
 */
class PreludeInSyncTest {
  @Test
  void everyCopyMatchesLibPrelude() throws Exception {
    String prelude = Files.readString(Path.of("lib/prelude.wat"));
    List<String> users =
        List.of(
            "request-response/front.wat",
            "chat-room/room.wat",
            "chat-room/member.wat",
            "supervisor-tree/supervisor.wat",
            "supervisor-tree/worker.wat",
            "http-fetcher/fetcher.wat",
            "alarm/alarm.wat",
            "hasher/hasher.wat");
    for (String f : users) {
      assertThat(Files.readString(Path.of(f))).as(f).contains(prelude);
    }
  }
}
