package dev.vigil.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void shouldGroupThreadsByTheirOwner() {
    assertThat(ThreadCpu.group("vigil-bench-processor-1f-StreamThread-2"))
        .isEqualTo("stream_threads");
    assertThat(
            ThreadCpu.group(
                "kafka-producer-network-thread | vigil-bench-processor-1f-StreamThread-2-producer"))
        .isEqualTo("stream_threads_io");
    assertThat(ThreadCpu.group("vigil-agent-cam-3")).isEqualTo("agents");
    assertThat(ThreadCpu.group("data-plane-kafka-request-handler-0")).isEqualTo("kafka_broker");
    assertThat(ThreadCpu.group("something-else")).isEqualTo("other");
  }

  @Test
  void shouldCountABusyThreadUnderItsGroup() throws Exception {
    ThreadCpu.Snapshot before = ThreadCpu.snapshot();
    Thread busy =
        new Thread(
            () -> {
              long end = System.nanoTime() + 300_000_000L;
              double x = 0;
              while (System.nanoTime() < end) {
                x += Math.sqrt(x + 1);
              }
              assertThat(x).isPositive();
            },
            "vigil-agent-busy");
    busy.start();
    // Snapshot while it still runs: a finished thread has no CPU time to read.
    Thread.sleep(200);
    ThreadCpu.Snapshot after = ThreadCpu.snapshot();
    busy.join();
    Map<String, Object> cores = ThreadCpu.cores(before, after);
    assertThat((Double) cores.get("agents")).isPositive();
    assertThat(cores).containsKeys("stream_threads", "gc", "jit", "native_other", "process");
  }
}
