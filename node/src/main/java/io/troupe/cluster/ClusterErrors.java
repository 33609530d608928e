package io.troupe.cluster;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.RetryableException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.troupe.error.TroupeException;
import io.troupe.error.UnavailableException;
import java.util.function.Supplier;

/**
 * Where Hazelcast's failures enter Troupe's error hierarchy: the ones that mean "this node cannot
 * reach the cluster's records right now" become {@link UnavailableException}, so that callers get
 * UNAVAILABLE and retry elsewhere, rather than an internal error.
 */
public final class ClusterErrors {
  private ClusterErrors() {}

  /** Runs a Hazelcast call, translating its failures. */
  public static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /** {@code e} in Troupe's terms: a retryable cluster failure becomes unavailable. */
  public static RuntimeException translate(RuntimeException e) {
    if (e instanceof TroupeException) {
      return e;
    }
    if (e instanceof HazelcastInstanceNotActiveException) {
      return new UnavailableException("this node is not in the cluster any more; retry", e);
    }
    if (e instanceof SplitBrainProtectionException) {
      return new UnavailableException(
          "this node is on the minority side of a split (no quorum); retry on another node", e);
    }
    if (e instanceof IndeterminateOperationStateException) {
      return new UnavailableException(
          "the write's replication is unconfirmed (a member stopped answering); retry", e);
    }
    if (e instanceof RetryableException || e instanceof OperationTimeoutException) {
      return new UnavailableException("cluster not ready: " + e.getMessage() + "; retry", e);
    }
    return e;
  }
}
