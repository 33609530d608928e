package io.troupe.client.cli;

import io.troupe.chain.ChainCodec;
import io.troupe.chain.ChainEvent;
import io.troupe.chain.EventHash;

/** Chain events as the API carries them, written as chain v1 export lines (docs/chain.md). */
final class ChainLines {
  private ChainLines() {}

  /** {@code e}'s export line, without the newline. */
  static String line(io.troupe.proto.v1.ChainEvent e) {
    return ChainCodec.toLine(
        new ChainEvent(
            e.getActor(),
            e.getSeq(),
            EventHash.of(e.getParent().toByteArray()),
            e.getType(),
            e.getTimestamp(),
            e.getData().toByteArray(),
            EventHash.of(e.getHash().toByteArray())));
  }
}
