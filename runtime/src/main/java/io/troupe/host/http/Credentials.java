package io.troupe.host.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which request headers carry credentials: sent as given, recorded redacted, kept to their origin.
 */
final class Credentials {
  /** Headers recorded as {@value #REDACTED_VALUE} in every request. */
  static final Set<String> SENSITIVE =
      Set.of("authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token");

  static final String REDACTED_VALUE = "<redacted>";

  private Credentials() {}

  /** Whether header {@code name} always carries credentials. */
  static boolean sensitive(String name) {
    return SENSITIVE.contains(name.toLowerCase(Locale.ROOT));
  }

  /**
   * Replaces the values of {@code request}'s sensitive headers with {@value #REDACTED_VALUE};
   * whether there were any.
   */
  static boolean redact(ObjectNode request) {
    Set<String> sensitive = new HashSet<>(SENSITIVE);
    request
        .path("sensitive_headers")
        .forEach(h -> sensitive.add(h.asText().toLowerCase(Locale.ROOT)));
    JsonNode headers = request.get("headers");
    if (headers == null || !headers.isObject()) {
      return false;
    }
    boolean any = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> h = it.next();
      if (sensitive.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        h.setValue(TextNode.valueOf(REDACTED_VALUE));
        any = true;
      }
    }
    return any;
  }
}
