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
    Running r = new Running(firstSeq, parent);
    for (ChainEvent e : events) {
      if (!r.accept(e)) {
        break;
      }
    }
    Verification v = r.result();
    return v.valid() ? v : Verification.bad(events.size(), v.actor(), v.firstBadSeq(), v.reason());
  }

  /**
   * Verifies an export given one event at a time, in constant memory (a file of any length read as
   * a stream): a whole chain from seq 0, or one that starts at its anchor, as {@link
   * #verifyExport}.
   */
  public static Running streaming() {
    return new Running(-1, null);
  }

  /** A verification in progress: the events seen so far, and the link the next must continue. */
  public static final class Running {
    private String actor;
    private long expectedSeq;
    private EventHash expectedParent;
    private long count;
    private long firstSeq = -1;
    private EventHash anchor;
    private Verification broken;

    /**
     * @param firstSeq -1: from the first event's anchor (its seq and parent, taken as given)
     */
    private Running(long firstSeq, EventHash parent) {
      this.expectedSeq = firstSeq;
      this.expectedParent = parent;
    }

    /** Checks the next event; false once the chain is broken (later events are not looked at). */
    public boolean accept(ChainEvent e) {
      if (broken != null) {
        return false;
      }
      if (count == 0) {
        actor = e.actor();
        firstSeq = e.seq();
        anchor = e.parent();
        if (expectedSeq < 0) { // an export: a whole chain, or one that starts at its anchor
          expectedSeq = e.seq();
          expectedParent = e.seq() == 0 ? EventHash.ZERO : e.parent();
        }
      }
      count++;
      String problem = null;
      if (!e.actor().equals(actor)) {
        problem = "event belongs to actor '" + e.actor() + "'";
      } else if (e.seq() != expectedSeq) {
        problem = "expected seq " + expectedSeq + ", found " + e.seq();
      } else if (!e.parent().equals(expectedParent)) {
        problem = "parent does not match the previous event's hash";
      } else if (!e.hashMatches()) {
        problem = "hash does not match the event's contents";
      }
      if (problem != null) {
        broken = Verification.bad(count, actor, expectedSeq, problem);
        return false;
      }
      expectedParent = e.hash();
      expectedSeq++;
      return true;
    }

    public Verification result() {
      return broken != null ? broken : Verification.ok(count, actor == null ? "" : actor);
    }

    /** The first event's seq (0 for a whole chain), or -1 before any event. */
    public long firstSeq() {
      return firstSeq;
    }

    /** The first event's parent: the hash of the last pruned event, for a chain from its anchor. */
    public EventHash anchor() {
      return anchor;
    }
  }
}
