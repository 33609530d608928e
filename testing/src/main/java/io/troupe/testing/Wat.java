package io.troupe.testing;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** WAT fixtures compiled at test time, so contributors need no native toolchain. */
public final class Wat {
  private Wat() {}

  /** Compiles WAT source text to a binary module. */
  public static byte[] compile(String wat) {
    return Wat2Wasm.parse(wat);
  }

  /** Compiles a WAT file from the classpath of {@code owner}. */
  public static byte[] compileResource(Class<?> owner, String name) {
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name + " beside " + owner.getName());
      }
      return compile(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
