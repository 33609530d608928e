package io.troupe.wasm;

/** How guest code runs. */
public enum ExecutionMode {
  /** Chicory's runtime compiler to JVM bytecode: about 30x the interpreter; the default. */
  COMPILER,
  /** Chicory's interpreter: no compile step, slower calls. */
  INTERPRETER
}
