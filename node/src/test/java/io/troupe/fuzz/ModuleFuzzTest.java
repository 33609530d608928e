package io.troupe.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.troupe.error.InvalidModuleException;
import io.troupe.wasm.ExecutionMode;
import io.troupe.wasm.WasmEngine;

/**
 * Module loading (WASM binary or WAT text, parsed, validated and compiled) on any bytes a client
 * could upload: a module, or {@link InvalidModuleException}.
 */
class ModuleFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyBytesAreAModuleOrAClearError(FuzzedDataProvider data) {
    boolean binary = data.consumeBoolean();
    byte[] rest = data.consumeRemainingAsBytes();
    byte[] bytes = rest;
    if (binary) { // past the magic number and version, where the parser does its work
      bytes = new byte[rest.length + 8];
      System.arraycopy(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}, 0, bytes, 0, 8);
      System.arraycopy(rest, 0, bytes, 8, rest.length);
    }
    try {
      new WasmEngine(ExecutionMode.COMPILER).load(bytes); // a fresh cache: no growth
    } catch (InvalidModuleException expected) {
      // a documented error
    }
  }
}
