package io.troupe.cluster;

import java.io.Serializable;

/**
 * An actor's state after its last committed turn ({@code state} null for none) and that turn's
 * chain length.
 */
public record StateSnapshot(byte[] state, long seq) implements Serializable {}
