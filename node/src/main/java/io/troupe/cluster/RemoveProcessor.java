package io.troupe.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.util.Map;

/**
 * Deletes an actor's record, on the partition owner, only if the actor has ended: returns {@code
 * removed}, {@code none} (no record), or the status of a live actor, which stays.
 */
final class RemoveProcessor
    implements EntryProcessor<String, ActorRecord, String>, DataSerializable {
  static final String REMOVED = "removed";
  static final String NONE = "none";

  @Override
  public String process(Map.Entry<String, ActorRecord> entry) {
    ActorRecord r = entry.getValue();
    if (r == null) {
      return NONE;
    }
    if (r.live()) {
      return r.status;
    }
    entry.setValue(null);
    return REMOVED;
  }

  @Override
  public void writeData(ObjectDataOutput out) {}

  @Override
  public void readData(ObjectDataInput in) {}
}
