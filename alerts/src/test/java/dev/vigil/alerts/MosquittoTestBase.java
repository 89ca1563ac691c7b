package dev.vigil.alerts;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A test class whose tests run a real mosquitto in {@link #dir}; skipped where it is missing. */
abstract class MosquittoTestBase {
  @TempDir Path dir;

  @BeforeAll
  static void needsMosquitto() {
    MosquittoBroker.assumeInstalled();
  }

  /** A plain broker (no TLS, no users) in {@code dir/broker}, started; the caller closes it. */
  MosquittoBroker startBroker() {
    return MosquittoBroker.in(dir.resolve("broker")).start();
  }
}
