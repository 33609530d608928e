package io.troupe.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.troupe.error.InvalidModuleException;
import io.troupe.testing.Wat;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WasmEngineTest {
  private static final String WAT =
      "(module (memory (export \"memory\") 1) (func (export \"troupe_alloc\") (param i32) (result i32) (i32.const 8)))";

  @Test
  void sameModule_isCompiledOnce_whetherGivenAsWatOrBinary() {
    WasmEngine engine = new WasmEngine(ExecutionMode.COMPILER);
    LoadedModule fromText = engine.load(WAT.getBytes(StandardCharsets.UTF_8));
    LoadedModule fromBinary = engine.load(Wat.compile(WAT));
    assertThat(fromBinary).isSameAs(fromText);
    assertThat(engine.cachedModules()).isEqualTo(1);
    assertThat(fromText.mode()).isEqualTo(ExecutionMode.COMPILER);
    // a text is turned into binary once; the same module written differently is the same module
    assertThat(engine.load(WAT.getBytes(StandardCharsets.UTF_8))).isSameAs(fromText);
    assertThat(engine.cachedTexts()).isEqualTo(1);
    assertThat(engine.load((" " + WAT + "\n").getBytes(StandardCharsets.UTF_8))).isSameAs(fromText);
    assertThat(engine.cachedTexts()).isEqualTo(2);
    assertThat(engine.cachedModules()).isEqualTo(1);
  }

  @Test
  void theCacheKeepsTheMostRecentlyUsedModules_andAnEvictedOneLoadsAgain() {
    WasmEngine engine = new WasmEngine(ExecutionMode.INTERPRETER, 3);
    byte[][] modules = new byte[5][];
    for (int i = 0; i < modules.length; i++) {
      modules[i] = Wat.compile(WAT.replace("(i32.const 8)", "(i32.const " + (8 + i) + ")"));
    }
    LoadedModule first = engine.load(modules[0]);
    engine.load(modules[1]);
    engine.load(modules[2]);
    assertThat(engine.load(modules[0])).isSameAs(first); // used again: now the most recent
    engine.load(modules[3]); // evicts modules[1], the least recently used
    engine.load(modules[4]); // evicts modules[2]
    assertThat(engine.cachedModules()).isEqualTo(3);
    assertThat(engine.load(modules[0])).isSameAs(first);
    assertThat(engine.known(Sha256OfBinary.of(modules[1]))).isEmpty();
    LoadedModule again = engine.load(modules[1]); // compiled anew, and usable
    assertThat(again.sha256()).isEqualTo(Sha256OfBinary.of(modules[1]));
    assertThat(engine.cachedModules()).isEqualTo(3);
  }

  /** The SHA-256 of a binary, as the engine names modules. */
  private static final class Sha256OfBinary {
    static String of(byte[] b) {
      return io.troupe.chain.Sha256.hex(b);
    }
  }

  @Test
  void interpreterMode_isSelectable() {
    assertThat(new WasmEngine(ExecutionMode.INTERPRETER).load(Wat.compile(WAT)).mode())
        .isEqualTo(ExecutionMode.INTERPRETER);
  }

  @Test
  void garbage_isRejectedAsMalformed() {
    WasmEngine engine = new WasmEngine(ExecutionMode.COMPILER);
    assertThatThrownBy(() -> engine.load("hello".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("malformed WASM module");
    byte[] truncated = java.util.Arrays.copyOf(Wat.compile(WAT), 20);
    assertThatThrownBy(() -> engine.load(truncated))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("malformed WASM module");
    assertThatThrownBy(() -> engine.load(new byte[] {0, 'a', 's', 'm', 9, 9, 9, 9}))
        .isInstanceOf(InvalidModuleException.class);
    assertThat(engine.cachedModules()).isZero();
  }

  @Test
  void badWat_isRejectedInOurWords() {
    assertThatThrownBy(
            () ->
                new WasmEngine(ExecutionMode.COMPILER)
                    .load("(module (func $f (i32.bogus)))".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidModuleException.class)
        .hasMessageContaining("malformed WAT")
        .hasMessageNotContaining("exit code");
  }
}
