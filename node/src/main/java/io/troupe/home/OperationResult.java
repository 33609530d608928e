package io.troupe.home;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a dispatched operation, on its way from the node that ran it ({@code worker}) to
 * its actor's home: {@code value} (JSON null for none), or {@code error}.
 */
public record OperationResult(String opId, JsonNode value, Optional<String> error, String worker) {
  public OperationResult {
    Objects.requireNonNull(opId);
    Objects.requireNonNull(error);
    Objects.requireNonNull(worker);
  }
}
