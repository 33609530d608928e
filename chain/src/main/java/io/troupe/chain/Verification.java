package io.troupe.chain;

/**
 * The outcome of verifying a chain.
 *
 * @param valid true when every event links and hashes correctly
 * @param eventCount number of events examined
 * @param actor the actor of the chain (or of the first bad event)
 * @param firstBadSeq the seq (position) of the first bad event, or -1 when valid
 * @param reason what is wrong with it, or empty when valid
 */
public record Verification(
    boolean valid, long eventCount, String actor, long firstBadSeq, String reason) {

  static Verification ok(long count, String actor) {
    return new Verification(true, count, actor, -1, "");
  }

  static Verification bad(long count, String actor, long seq, String reason) {
    return new Verification(false, count, actor, seq, reason);
  }

  /** One line for people: {@code ok: 12 events (actor counter)} or what is wrong and where. */
  public String describe() {
    return valid
        ? "ok: " + eventCount + " events (actor " + actor + ")"
        : "chain of actor " + actor + " is broken at seq " + firstBadSeq + ": " + reason;
  }
}
