package io.troupe.actor;

/** Where an actor is in its life. */
public enum ActorStatus {
  /** Instantiated, running {@code init}. */
  STARTING,
  /** Accepting deliveries. */
  RUNNING,
  /** Stopped on request ({@code runtime.shutdown}, a stop call, or node shutdown). */
  STOPPED,
  /** Stopped by a fault: trap, deadline, ABI violation, or an {@code init} that failed. */
  FAILED,
  /**
   * Failed, and its supervisor's policy restarts it after a backoff: deliveries are held and run
   * after the restart, in order.
   */
  RESTARTING,
  /**
   * This node's copy lost the actor: the cluster refused its chain append because another home took
   * over. It no longer runs here; the actor lives on at its new home.
   */
  LOST;

  /** Whether the actor takes deliveries, or will once its start or restart is done. */
  public boolean live() {
    return this == STARTING || this == RUNNING || this == RESTARTING;
  }
}
