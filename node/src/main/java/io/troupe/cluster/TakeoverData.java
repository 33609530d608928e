package io.troupe.cluster;

import io.troupe.actor.ActorId;
import io.troupe.chain.ChainCodec;
import io.troupe.home.Takeover;
import java.io.Serializable;
import java.io.StringReader;
import java.util.Optional;

/**
 * What a new home continues an actor from, as it crosses the cluster: its record at the moment the
 * epoch was bumped.
 *
 * @param epoch the new epoch
 * @param fromNode the former home's name
 * @param eventLines the committed chain, as chain v1 JSON lines
 * @param state the state of the last committed turn, or null for none
 * @param module where the module's bytes are (an uploaded {@code sha256:} reference or a path)
 */
record TakeoverData(
    long epoch,
    String fromNode,
    String eventLines,
    byte[] state,
    String manifest,
    String module,
    String parent)
    implements Serializable {

  /** The same, as the home room takes it. */
  Takeover typed() {
    return new Takeover(
        epoch,
        fromNode,
        ChainCodec.read(new StringReader(eventLines)),
        state,
        manifest,
        module,
        parent == null || parent.isEmpty() ? Optional.empty() : Optional.of(ActorId.of(parent)));
  }
}
