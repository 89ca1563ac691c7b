package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

  @Test
  void shouldHoldTheJvmUntilTheCommandHasClosedEverything() throws Exception {
    List<Thread> hooks = new ArrayList<>();
    GracefulShutdown shutdown = new GracefulShutdown(hooks::add);
    assertThat(hooks).hasSize(1);
    CompletableFuture<Void> woken =
        CompletableFuture.runAsync(
            () -> {
              try {
                shutdown.awaitStopRequest();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });

    Thread hook = hooks.get(0);
    hook.start(); // what the JVM does on SIGTERM
    woken.get(10, TimeUnit.SECONDS);
    // The command is still closing its parts: the hook, and so the JVM, must wait for it.
    hook.join(300);
    assertThat(hook.isAlive()).isTrue();

    shutdown.close();
    hook.join(10_000);
    assertThat(hook.isAlive()).isFalse();
  }
}
