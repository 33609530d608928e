package io.troupe.cluster;

import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import java.io.Serializable;
import java.io.StringReader;
import java.util.List;

/**
 * What a new home continues an actor from: its record at the moment the epoch was bumped.
 *
 * @param epoch the new epoch
 * @param fromNode the former home's name
 * @param eventLines the committed chain, as chain v1 JSON lines
 * @param state the state of the last committed turn, or null for none
 * @param module where the module's bytes are (an uploaded {@code sha256:} reference or a path)
 */
public record Takeover(
    long epoch,
    String fromNode,
    String eventLines,
    byte[] state,
    String manifest,
    String module,
    String parent)
    implements Serializable {

  public List<ChainEvent> events() {
    return ChainCodec.read(new StringReader(eventLines));
  }
}
