package io.troupe.chain;

import java.util.List;

/** Checks that a sequence of events is one actor's unbroken chain from genesis. */
public final class ChainVerifier {
  private ChainVerifier() {}

  /** Verifies a whole chain starting at seq 0. An empty list verifies with 0 events. */
  public static Verification verify(List<ChainEvent> events) {
    return verifyFrom(events, 0, EventHash.ZERO);
  }

  /**
   * Verifies an export: a whole chain from seq 0, or one that retention pruned, which starts at its
   * anchor: its first event's parent is the hash of the last pruned event, taken as given (compare
   * it with a copy you trust, such as a receipt of that head), and every event from there on must
   * link and hash.
   */
  public static Verification verifyExport(List<ChainEvent> events) {
    if (events.isEmpty() || events.get(0).seq() == 0) {
      return verify(events);
    }
    return verifyFrom(events, events.get(0).seq(), events.get(0).parent());
  }

  /**
   * Verifies a contiguous range whose first event must have {@code firstSeq} and link to {@code
   * parent}. Names the first bad position.
   */
  public static Verification verifyFrom(List<ChainEvent> events, long firstSeq, EventHash parent) {
    String actor = events.isEmpty() ? "" : events.get(0).actor();
    EventHash expectedParent = parent;
    long expectedSeq = firstSeq;
    for (ChainEvent e : events) {
      if (!e.actor().equals(actor)) {
        return Verification.bad(
            events.size(), actor, expectedSeq, "event belongs to actor '" + e.actor() + "'");
      }
      if (e.seq() != expectedSeq) {
        return Verification.bad(
            events.size(),
            actor,
            expectedSeq,
            "expected seq " + expectedSeq + ", found " + e.seq());
      }
      if (!e.parent().equals(expectedParent)) {
        return Verification.bad(
            events.size(), actor, expectedSeq, "parent does not match the previous event's hash");
      }
      if (!e.hashMatches()) {
        return Verification.bad(
            events.size(), actor, expectedSeq, "hash does not match the event's contents");
      }
      expectedParent = e.hash();
      expectedSeq++;
    }
    return Verification.ok(events.size(), actor);
  }
}
