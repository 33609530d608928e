package io.troupe.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.troupe.actor.Event;
import io.troupe.wasm.HostCallException;
import io.troupe.wasm.TurnAborted;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One replayed turn's host calls: each call the module makes must be the next one the chain
 * recorded in that turn (function and params), and is answered with the recorded output. The first
 * difference ends the turn.
 */
final class TurnCheck {
  /** A recorded host call with its seq. */
  record Expected(long seq, Event.HostCall call) {}

  private final List<Expected> expected;
  private final long endSeq;
  private final Consumer<String> notes;
  private int next;
  private boolean answered;
  private ReplayReport.Divergence divergence;

  /**
   * @param expected the turn's recorded host calls, in order
   * @param endSeq the seq of the turn's {@code wasm.result} or {@code wasm.error}
   * @param notes where to say what the reader should know (a secret answered by its hash)
   */
  TurnCheck(List<Expected> expected, long endSeq, Consumer<String> notes) {
    this.expected = List.copyOf(expected);
    this.endSeq = endSeq;
    this.notes = notes;
  }

  /** Host function {@code function} called with {@code input}: answered from the chain. */
  JsonNode answer(String function, JsonNode input) {
    Expected e = check(function, input);
    answered = true;
    JsonNode output = e.call().output();
    if (output.has("Ok")) {
      JsonNode ok = output.get("Ok");
      if (function.startsWith("environment.")
          && ok.isTextual()
          && ok.asText().startsWith("sha256:")) {
        notes.accept(
            "host call "
                + function
                + " at seq "
                + e.seq()
                + " read a secret the chain holds only as its hash; the module was given the hash");
      }
      return ok;
    }
    if (output.has("Err")) {
      throw new HostCallException(output.get("Err").asText());
    }
    throw abort(
        e.seq(),
        "the recorded host call has neither Ok nor Err",
        RecordedValues.show(output),
        "(not answerable)");
  }

  /** Every host call ends here, answered from the chain or not (params that were not JSON). */
  void made(String function, JsonNode input, JsonNode output) {
    if (answered) {
      answered = false;
    } else {
      Expected e = check(function, input);
      if (!RecordedValues.matches(e.call().output(), output)) {
        throw abort(
            e.seq(),
            "host call " + function + " had a different outcome",
            RecordedValues.show(e.call().output()),
            RecordedValues.show(output));
      }
    }
    next++;
  }

  private Expected check(String function, JsonNode input) {
    if (next >= expected.size()) {
      throw abort(
          endSeq,
          "the module made a host call the chain does not record in this turn",
          "(no further host call: the callback returned)",
          function + " " + RecordedValues.show(input));
    }
    Expected e = expected.get(next);
    if (!e.call().function().equals(function) || !RecordedValues.matches(e.call().input(), input)) {
      throw abort(
          e.seq(),
          "a different host call",
          e.call().function() + " " + RecordedValues.show(e.call().input()),
          function + " " + RecordedValues.show(input));
    }
    return e;
  }

  /** The first recorded host call the module did not make, if the callback returned early. */
  Optional<Expected> unmade() {
    return next < expected.size() ? Optional.of(expected.get(next)) : Optional.empty();
  }

  /** The difference that ended the turn, if one did. */
  Optional<ReplayReport.Divergence> divergence() {
    return Optional.ofNullable(divergence);
  }

  private TurnAborted abort(long seq, String what, String recorded, String replayed) {
    divergence = new ReplayReport.Divergence(seq, what, recorded, replayed);
    return new TurnAborted("replay diverged at seq " + seq + ": " + what);
  }
}
