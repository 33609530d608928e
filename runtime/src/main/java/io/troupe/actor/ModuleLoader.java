package io.troupe.actor;

import io.troupe.error.CancelledException;
import io.troupe.error.InvalidModuleException;
import io.troupe.error.LimitExceededException;
import io.troupe.policy.Policy;
import io.troupe.wasm.LoadedModule;
import io.troupe.wasm.WasmEngine;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loads modules off the callers' threads (an API thread, a turn), on a small pool of its own, so
 * that one that is too large is refused before it is read and one that takes too long to compile is
 * given up on: the caller gets an error after the policy's {@code compile_timeout_ms}, and at most
 * two compiles run at once whatever clients send.
 */
final class ModuleLoader implements AutoCloseable {
  private final WasmEngine engine;
  private final Policy policy;
  private final String nodeName;
  private final ThreadPoolExecutor compiler;

  ModuleLoader(WasmEngine engine, Policy policy, String nodeName, ThreadFactory threads) {
    this.engine = engine;
    this.policy = policy;
    this.nodeName = nodeName;
    this.compiler =
        new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), threads);
    compiler.allowCoreThreadTimeOut(true);
  }

  /**
   * Loads (parses, validates, compiles) module {@code bytes} within the policy's size and time; a
   * module is compiled once per node and then shared.
   *
   * @throws LimitExceededException when the module is too large, or too many are loading at once
   * @throws InvalidModuleException when it is malformed or takes too long
   */
  LoadedModule load(byte[] bytes) {
    policy.checkModuleSize(bytes.length);
    Future<LoadedModule> loading;
    try {
      loading = compiler.submit(() -> engine.load(bytes));
    } catch (RejectedExecutionException e) {
      throw new LimitExceededException(
          "node " + nodeName + " is loading too many modules at once; try again");
    }
    long ms = policy.compileTimeout().toMillis();
    try {
      return loading.get(ms, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      loading.cancel(true);
      throw new InvalidModuleException(
          "the module took more than " + ms + " ms to load (the node's compile_timeout_ms)");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new InvalidModuleException(
          "the module cannot be loaded: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      loading.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancelledException("interrupted while loading a module");
    }
  }

  /**
   * The module {@code ref} names: one this node loaded already, found by its hash without reading
   * anything, or the bytes {@code read} returns for it, loaded.
   */
  LoadedModule load(String ref, java.util.function.Function<String, byte[]> read) {
    if (ref.startsWith("sha256:")) {
      var known = engine.known(ref.substring("sha256:".length()));
      if (known.isPresent()) {
        return known.get();
      }
    }
    return load(read.apply(ref));
  }

  @Override
  public void close() {
    compiler.shutdownNow();
  }
}
