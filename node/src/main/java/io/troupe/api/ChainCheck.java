package io.troupe.api;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.ChainVerifier;
import io.troupe.chain.EventHash;
import io.troupe.chain.Verification;
import io.troupe.cluster.ClusterChainStore;
import io.troupe.home.ActorSummary;
import io.troupe.store.ActorStore;
import java.util.List;
import java.util.Optional;

/**
 * {@code VerifyChain}: checks an actor's committed chain page by page (so a long chain never sits
 * in memory) from genesis, or from the anchor retention recorded when it let go of the events
 * before: every event must follow the one before it and hash to what it says, and the last must be
 * the head the cluster recorded.
 *
 * @param events the events checked
 * @param head the hash of the last event checked
 * @param problem what is wrong, or empty when the chain verifies
 */
record ChainCheck(long events, EventHash head, String problem) {
  private static final int PAGE = 2048;

  /** How often a check starts over because retention moved the anchor while it read. */
  private static final int ATTEMPTS = 3;

  static ChainCheck of(ClusterChainStore records, ActorId id, ActorSummary summary) {
    ChainCheck check = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<ActorStore.Anchor> anchor = records.anchor(id);
      check = run(records, id, summary, anchor);
      if (check.problem().isEmpty() || records.anchor(id).equals(anchor)) {
        return check;
      }
    }
    return check;
  }

  private static ChainCheck run(
      ClusterChainStore records,
      ActorId id,
      ActorSummary summary,
      Optional<ActorStore.Anchor> anchor) {
    long seq = anchor.map(a -> a.seq() + 1).orElse(0L);
    EventHash parent = anchor.map(ActorStore.Anchor::hash).orElse(EventHash.ZERO);
    long count = 0;
    while (seq < summary.chainLength()) {
      List<ChainEvent> page =
          records.page(id, seq, (int) Math.min(PAGE, summary.chainLength() - seq));
      if (page.isEmpty()) {
        return new ChainCheck(
            count,
            parent,
            "the chain ends at seq "
                + seq
                + ", short of its recorded length "
                + summary.chainLength());
      }
      Verification v = ChainVerifier.verifyFrom(page, seq, parent);
      if (!v.valid()) {
        return new ChainCheck(count, parent, v.describe());
      }
      count += page.size();
      parent = page.get(page.size() - 1).hash();
      seq += page.size();
    }
    if (!parent.equals(summary.head())) {
      return new ChainCheck(
          count, parent, "the chain does not end at the recorded head " + summary.head());
    }
    return new ChainCheck(count, parent, "");
  }
}
