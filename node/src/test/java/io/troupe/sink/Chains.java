package io.troupe.sink;

import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Chains made up for the sink tests, and files read back. */
final class Chains {
  private Chains() {}

  static List<ChainEvent> chain(String actor, int n, String salt) {
    List<ChainEvent> out = new ArrayList<>();
    EventHash parent = EventHash.ZERO;
    for (int i = 0; i < n; i++) {
      ChainEvent e =
          ChainEvent.create(
              actor,
              i,
              parent,
              i == 0 ? "actor.started" : "wasm.call",
              1_700_000_000_000L + i,
              ("{\"n\":" + i + ",\"salt\":\"" + salt + "\"}").getBytes(StandardCharsets.UTF_8));
      out.add(e);
      parent = e.hash();
    }
    return out;
  }

  static List<ChainEvent> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    try (Reader r = Files.newBufferedReader(file)) {
      return ChainCodec.read(r);
    }
  }
}
