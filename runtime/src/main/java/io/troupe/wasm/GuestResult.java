package io.troupe.wasm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** What a callback returned: the seed's {@code result<tuple<option<json>, R>, string>}. */
public sealed interface GuestResult {

  /**
   * {@code {"Ok":[state, value]}}.
   *
   * @param state the new state, byte for byte as the guest wrote it; empty for {@code none}
   * @param value the result value, or null when the tuple has only the state
   */
  record Ok(Optional<byte[]> state, JsonNode value) implements GuestResult {}

  /** {@code {"Err":"message"}}. */
  record Err(String message) implements GuestResult {}
}
