package io.troupe.replay;

import java.util.List;
import java.util.Optional;

/**
 * What a replay found: every event of the chain reproduced by the module, or the first one that was
 * not.
 *
 * @param actor the actor whose chain was replayed
 * @param events the events read, the diverging one included
 * @param turns the callbacks re-executed
 * @param from the seq replay started executing at: 0, or the checkpoint it started from
 * @param divergence the first difference, if any
 * @param notes what the reader should know besides (a module other than the recorded one, a turn
 *     cut short by a node that stopped, a secret the chain holds only as a hash)
 */
public record ReplayReport(
    String actor,
    long events,
    long turns,
    long from,
    Optional<Divergence> divergence,
    List<String> notes) {
  public ReplayReport {
    notes = List.copyOf(notes);
  }

  /**
   * The first event the module did not reproduce.
   *
   * @param seq the event's seq
   * @param what what differs, in words
   * @param recorded what the chain holds
   * @param replayed what the module did instead
   */
  public record Divergence(long seq, String what, String recorded, String replayed) {}

  /** Whether the module reproduced every event. */
  public boolean reproduced() {
    return divergence.isEmpty();
  }

  /**
   * {@code ok: N events reproduced (actor A)}, or {@code diverged at seq S: …} with the recorded
   * and replayed values on the next lines; notes follow.
   */
  public String summary() {
    StringBuilder out = new StringBuilder();
    if (divergence.isEmpty()) {
      out.append("ok: ").append(events).append(" events reproduced (actor ").append(actor);
      if (from > 0) {
        out.append(", from its checkpoint at seq ").append(from);
      }
      out.append(')');
    } else {
      Divergence d = divergence.get();
      out.append("diverged at seq ").append(d.seq()).append(" (actor ").append(actor).append("): ");
      out.append(d.what());
      out.append("\n  recorded: ").append(d.recorded());
      out.append("\n  replayed: ").append(d.replayed());
    }
    for (String note : notes) {
      out.append("\nnote: ").append(note);
    }
    return out.toString();
  }
}
