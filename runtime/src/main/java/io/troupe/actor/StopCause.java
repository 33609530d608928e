package io.troupe.actor;

/** Why an actor stopped; decides who is told and whether a supervisor restarts it. */
enum StopCause {
  /** It trapped, overran its deadline, broke the ABI or failed its init. */
  FAULT,
  /** It asked to (runtime.shutdown). */
  EXIT,
  /** Someone other than its parent stopped it (a client, the node's API). */
  EXTERNAL,
  /** Its parent stopped it, or stopped itself. */
  PARENT,
  /** It is being restarted in a fresh instance. */
  RESTART,
  /** The node is shutting down. */
  NODE
}
