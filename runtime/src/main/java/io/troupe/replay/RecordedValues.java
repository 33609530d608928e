package io.troupe.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** How a value the module produces now is compared with the one the chain recorded. */
final class RecordedValues {
  /** What the chain holds in place of a credential header (docs/chain.md, "Secrets"). */
  static final String REDACTED = "<redacted>";

  private static final int SHOWN = 300;

  private RecordedValues() {}

  /**
   * Whether {@code actual} is what {@code recorded} says: equal JSON, where a recorded {@code
   * "<redacted>"} stands for any value (the chain kept only that a secret was there).
   */
  static boolean matches(JsonNode recorded, JsonNode actual) {
    if (recorded == null || actual == null) {
      return recorded == actual;
    }
    if (recorded.isTextual() && recorded.asText().equals(REDACTED)) {
      return true;
    }
    if (recorded.isObject() && actual.isObject()) {
      if (recorded.size() != actual.size()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = recorded.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!matches(f.getValue(), actual.get(f.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (recorded.isArray() && actual.isArray()) {
      if (recorded.size() != actual.size()) {
        return false;
      }
      for (int i = 0; i < recorded.size(); i++) {
        if (!matches(recorded.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (recorded.isNumber() && actual.isNumber()) {
      return recorded.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return recorded.equals(actual);
  }

  /** {@code value} as compact JSON, cut to a readable length. */
  static String show(JsonNode value) {
    return shorten(value == null ? "(nothing)" : value.toString());
  }

  static String shorten(String s) {
    return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "… (" + s.length() + " characters)";
  }
}
