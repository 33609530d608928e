package io.troupe.wasm;

import com.fasterxml.jackson.databind.JsonNode;

/** Receives every host call a guest makes, with its input and output, for the chain. */
@FunctionalInterface
public interface HostCallSink {
  /**
   * @param function {@code interface.function}
   * @param input the params tuple as the guest sent it (or a JSON string of the raw text when it
   *     was not JSON)
   * @param output {@code {"Ok":value}} or {@code {"Err":"..."}}
   */
  void record(String function, JsonNode input, JsonNode output);
}
