package io.troupe.wasm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * The adapter between the WIT's params tuples (JSON arrays) and Java records: component {@code i}
 * of the record is element {@code i} of the tuple. This is the seed's "adapter handles the tuple
 * wrapping", with Jackson converting each element.
 */
public final class TupleCodec {
  private final ObjectMapper mapper;

  public TupleCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** Reads a JSON array as the record type {@code type}. */
  public <P extends Record> P decode(JsonNode tuple, Class<P> type) {
    if (tuple == null || !tuple.isArray()) {
      throw new IllegalArgumentException("params must be a JSON array (the tuple), got " + tuple);
    }
    RecordComponent[] components = type.getRecordComponents();
    if (tuple.size() != components.length) {
      throw new IllegalArgumentException(
          "expected "
              + components.length
              + " params "
              + names(components)
              + ", got "
              + tuple.size());
    }
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      JsonNode element = tuple.get(i);
      try {
        args[i] =
            types[i] == JsonNode.class
                ? element
                : mapper.convertValue(
                    element, mapper.constructType(components[i].getGenericType()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "param " + i + " (" + components[i].getName() + ") has the wrong type: " + element, e);
      }
      if (args[i] == null && types[i].isPrimitive()) {
        throw new IllegalArgumentException(
            "param " + i + " (" + components[i].getName() + ") must not be null");
      }
    }
    try {
      Constructor<P> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getName(), e);
    }
  }

  /** Writes a record as its JSON array tuple. */
  public ArrayNode encode(Record value) {
    ArrayNode out = mapper.createArrayNode();
    for (RecordComponent c : value.getClass().getRecordComponents()) {
      try {
        JsonNode v = mapper.valueToTree(c.getAccessor().invoke(value));
        out.add(v == null ? mapper.nullNode() : v);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + c, e);
      }
    }
    return out;
  }

  private static String names(RecordComponent[] components) {
    return Arrays.stream(components).map(RecordComponent::getName).toList().toString();
  }
}
