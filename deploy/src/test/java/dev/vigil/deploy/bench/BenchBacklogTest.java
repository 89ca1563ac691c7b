package dev.vigil.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class BenchBacklogTest {

  private static int partition(String id) {
    return BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), 4);
  }

  @Test
  void shouldPutTwoBacklogCamerasOnEachPartitionWhenNamesWouldHashUnevenly() {
    // The plain names hash unevenly: that is why the bench picks its own.
    Map<Integer, Long> plain =
        IntStream.range(0, 8)
            .mapToObj(i -> "load-" + i)
            .collect(Collectors.groupingBy(BenchBacklogTest::partition, Collectors.counting()));
    assertThat(plain.values()).isNotEqualTo(List.of(2L, 2L, 2L, 2L));

    List<String> ids = Backlog.balancedIds("load-", 2, 4);

    assertThat(ids).hasSize(8).doesNotHaveDuplicates().allMatch(id -> id.startsWith("load-"));
    Map<Integer, Long> perPartition =
        ids.stream()
            .collect(Collectors.groupingBy(BenchBacklogTest::partition, Collectors.counting()));
    assertThat(perPartition)
        .containsOnlyKeys(0, 1, 2, 3)
        .allSatisfy((p, n) -> assertThat(n).isEqualTo(2L));
  }
}
