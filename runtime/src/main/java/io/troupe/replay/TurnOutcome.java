package io.troupe.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.troupe.actor.Event;
import io.troupe.chain.Sha256;
import io.troupe.wasm.GuestFaults;
import io.troupe.wasm.GuestResult;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Whether a replayed callback ended as the chain recorded: {@code wasm.result} with the same result
 * (JSON-equal) and state hash, or {@code wasm.error} with the same error or fault (any deadline
 * matches a deadline).
 *
 * @param divergence what differs, or null when the turn ended as recorded
 * @param returned the callback returned as recorded: the actor goes on from {@code state}
 * @param state the state it returned (null: none); meaningful when {@code returned}
 * @param endsInstance the turn faulted as recorded: its instance is gone
 */
record TurnOutcome(
    ReplayReport.Divergence divergence, boolean returned, byte[] state, boolean endsInstance) {
  private static final TurnOutcome UNCHANGED = new TurnOutcome(null, false, null, false);

  /**
   * @param result what the callback returned, or null when it faulted
   * @param fault the fault's words, or null
   */
  static TurnOutcome judge(
      String function, long seq, Event end, GuestResult result, String fault, ObjectMapper mapper) {
    String replayed =
        fault != null
            ? "fault: " + fault
            : result instanceof GuestResult.Err err
                ? "error: " + err.message()
                : describe((GuestResult.Ok) result, mapper);
    if (end instanceof Event.Result r) {
      if (!(result instanceof GuestResult.Ok ok) || fault != null) {
        return diverged(seq, function + " did not return as recorded", describe(r), replayed);
      }
      JsonNode value = ok.value() == null ? mapper.nullNode() : ok.value();
      byte[] newState = ok.state().orElse(null);
      if (!RecordedValues.matches(r.result(), value) || !r.stateSha256().equals(hashOf(newState))) {
        return diverged(seq, function + " returned another result or state", describe(r), replayed);
      }
      return new TurnOutcome(null, true, newState, false);
    }
    if (end instanceof Event.Error err) {
      boolean same =
          err.fault()
              ? fault != null
                  && (fault.equals(err.message())
                      || GuestFaults.isDeadline(fault) && GuestFaults.isDeadline(err.message()))
              : fault == null
                  && result instanceof GuestResult.Err e
                  && e.message().equals(err.message());
      if (!same) {
        String recorded = (err.fault() ? "fault: " : "error: ") + err.message();
        return diverged(seq, function + " did not fail as recorded", recorded, replayed);
      }
      return new TurnOutcome(null, false, null, err.fault());
    }
    return UNCHANGED;
  }

  private static TurnOutcome diverged(long seq, String what, String recorded, String replayed) {
    return new TurnOutcome(
        new ReplayReport.Divergence(seq, what, recorded, replayed), false, null, false);
  }

  private static String describe(Event.Result r) {
    return "result "
        + RecordedValues.show(r.result())
        + ", state sha256 "
        + r.stateSha256().orElse("(none)");
  }

  private static String describe(GuestResult.Ok ok, ObjectMapper mapper) {
    byte[] s = ok.state().orElse(null);
    return "result "
        + RecordedValues.show(ok.value() == null ? mapper.nullNode() : ok.value())
        + ", state sha256 "
        + hashOf(s).orElse("(none)")
        + (s == null ? "" : " = " + RecordedValues.shorten(new String(s, StandardCharsets.UTF_8)));
  }

  static Optional<String> hashOf(byte[] state) {
    return state == null ? Optional.empty() : Optional.of(Sha256.hex(state));
  }
}
