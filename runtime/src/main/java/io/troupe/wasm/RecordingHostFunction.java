package io.troupe.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.ChicoryException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one interceptor every host call passes through: reads the params tuple from guest memory,
 * runs the typed binding, writes {@code {"Ok":v}} / {@code {"Err":"…"}} back through {@code
 * troupe_alloc}, and records input and output in the chain.
 */
final class RecordingHostFunction implements WasmFunctionHandle {
  private static final Logger log = LoggerFactory.getLogger(RecordingHostFunction.class);

  private final String function;
  private final HostRegistry.Binding binding;
  private final HostRegistry.Redaction redaction;
  private final HostCallSink sink;
  private final ObjectMapper mapper;

  RecordingHostFunction(
      String function,
      HostRegistry.Binding binding,
      HostRegistry.Redaction redaction,
      HostCallSink sink,
      ObjectMapper mapper) {
    this.function = function;
    this.binding = binding;
    this.redaction = redaction;
    this.sink = sink;
    this.mapper = mapper;
  }

  @Override
  public long[] apply(Instance instance, long... args) {
    Memory memory = instance.memory();
    int ptr = (int) args[0];
    int len = (int) args[1];
    long size = (long) memory.pages() * Memory.PAGE_SIZE;
    if (Integer.toUnsignedLong(ptr) + Integer.toUnsignedLong(len) > size) {
      throw new AbiViolation(
          "host call "
              + function
              + " got params outside memory (ptr="
              + ptr
              + ", len="
              + len
              + ")");
    }
    byte[] raw = memory.readBytes(ptr, len);
    ObjectNode output = mapper.createObjectNode();
    JsonNode input = parse(raw);
    if (input == null) {
      input = mapper.getNodeFactory().textNode(new String(raw, StandardCharsets.UTF_8));
      output.put("Err", function + ": params are not a JSON tuple");
    } else {
      try {
        output.set("Ok", binding.invoke(input));
      } catch (HostCallException | io.troupe.error.TroupeException e) {
        output.put("Err", e.getMessage());
      } catch (IllegalArgumentException e) {
        output.put("Err", function + ": " + e.getMessage());
      } catch (ChicoryException | AbiViolation | TurnAborted e) {
        throw e; // deadlines (interrupts), guest faults and aborts end the turn
      } catch (RuntimeException e) {
        log.error("host function {} failed", function, e);
        output.put("Err", function + ": internal error: " + e);
      }
    }
    sink.record(function, redaction.input().apply(input), redaction.output().apply(input, output));
    JsonNode ok = output.get("Ok");
    if (ok != null && ok.isNull()) {
      return new long[] {0L};
    }
    byte[] bytes = output.toString().getBytes(StandardCharsets.UTF_8);
    int out = (int) instance.export("troupe_alloc").apply(bytes.length)[0];
    if (Integer.toUnsignedLong(out) + bytes.length > (long) memory.pages() * Memory.PAGE_SIZE) {
      throw new AbiViolation(
          "troupe_alloc(" + bytes.length + ") returned " + out + ", outside memory");
    }
    memory.write(out, bytes);
    return new long[] {(Integer.toUnsignedLong(out) << 32) | bytes.length};
  }

  private JsonNode parse(byte[] raw) {
    try {
      JsonNode node = mapper.readTree(raw);
      return node == null || node.isMissingNode() ? null : node;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
