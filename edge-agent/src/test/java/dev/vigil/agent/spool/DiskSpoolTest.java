package dev.vigil.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpoolTest {

  @TempDir Path dir;

  private static ProducerRecord<String, byte[]> frame(String camera, int seq, int size) {
    byte[] value = new byte[size];
    value[0] = (byte) seq;
    return new ProducerRecord<>(
        "vigil.frames",
        null,
        1_700_000_000_000L + seq,
        camera,
        value,
        List.of(
            new RecordHeader("vigil-seq", Integer.toString(seq).getBytes(StandardCharsets.UTF_8))));
  }

  private static String seq(ProducerRecord<String, byte[]> r) {
    return new String(r.headers().lastHeader("vigil-seq").value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldKeepItsFramesReadableByItsOwnUserOnly() throws Exception {
    java.nio.file.Path spoolDir = dir.resolve("data/spool");
    try (DiskSpool spool = DiskSpool.open(spoolDir, 1 << 20)) {
      spool.append(frame("cam", 0, 10));
    }
    assertThat(java.nio.file.Files.getPosixFilePermissions(spoolDir))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("data")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    try (var files = java.nio.file.Files.list(spoolDir)) {
      assertThat(files.toList())
          .isNotEmpty()
          .allSatisfy(
              f ->
                  assertThat(java.nio.file.Files.getPosixFilePermissions(f))
                      .isEqualTo(
                          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    }
  }

  @Test
  void shouldKeepRecordsWhole_inOrder_acrossAReopen() throws Exception {
    try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
      for (int i = 0; i < 5; i++) {
        spool.append(frame("cam-" + (i % 2), i, 100 + i));
      }
      spool.append(
          new ProducerRecord<String, byte[]>("vigil.audio", null, (Long) null, null, null));
    }

    try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
      assertThat(spool.isEmpty()).isFalse();
      assertThat(spool.stats().records()).isEqualTo(6);
      DiskSpool.Segment segment = spool.oldest();
      List<ProducerRecord<String, byte[]>> records = segment.records();

      assertThat(records).hasSize(6);
      for (int i = 0; i < 5; i++) {
        ProducerRecord<String, byte[]> r = records.get(i);
        assertThat(r.topic()).isEqualTo("vigil.frames");
        assertThat(r.key()).isEqualTo("cam-" + (i % 2));
        assertThat(r.timestamp()).isEqualTo(1_700_000_000_000L + i);
        assertThat(r.value()).hasSize(100 + i);
        assertThat(r.value()[0]).isEqualTo((byte) i);
        assertThat(seq(r)).isEqualTo(Integer.toString(i));
      }
      ProducerRecord<String, byte[]> nulls = records.get(5);
      assertThat(nulls.topic()).isEqualTo("vigil.audio");
      assertThat(nulls.key()).isNull();
      assertThat(nulls.timestamp()).isNull();
      assertThat(nulls.value()).isNull();

      spool.remove(segment);
      assertThat(spool.isEmpty()).isTrue();
      assertThat(spool.stats().delivered()).isEqualTo(6);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void shouldGoOnAppendingWhileTheOldestSegmentIsReplayed() throws Exception {
    try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
      spool.append(frame("cam", 0, 10));
      DiskSpool.Segment first = spool.oldest();
      spool.append(frame("cam", 1, 10));
      spool.remove(first);

      assertThat(spool.isEmpty()).isFalse();
      assertThat(spool.oldest().records()).extracting(DiskSpoolTest::seq).containsExactly("1");
    }
  }

  @Test
  void shouldDropTheOldestSegmentsWhenFull() throws Exception {
    // Segments of 4 KB, 12 KB in all: about a thousand-byte record each.
    try (DiskSpool spool = DiskSpool.open(dir, 12_000, 4_000)) {
      for (int i = 0; i < 40; i++) {
        spool.append(frame("cam", i, 1_000));
      }
      DiskSpool.Stats stats = spool.stats();

      assertThat(stats.bytes()).isLessThanOrEqualTo(12_000);
      assertThat(stats.dropped()).isPositive();
      assertThat(stats.records() + stats.dropped()).isEqualTo(40);
      // What is left is the newest, in order.
      StringBuilder left = new StringBuilder();
      DiskSpool.Segment s;
      while ((s = spool.oldest()) != null) {
        s.records().forEach(r -> left.append(seq(r)).append(' '));
        spool.remove(s);
      }
      assertThat(left.toString()).endsWith("37 38 39 ");
      assertThat(left.toString().split(" ")).hasSize((int) stats.records());
    }
  }

  @Test
  void shouldReplayWhatPrecedesATornEntryAndCountIt() throws Exception {
    try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
      for (int i = 0; i < 3; i++) {
        spool.append(frame("cam", i, 500));
      }
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir)) {
      segment = files.findFirst().orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 100); // the process died while writing the third entry
    }

    try (DiskSpool spool = DiskSpool.open(dir, 1 << 20)) {
      assertThat(spool.oldest().records()).extracting(DiskSpoolTest::seq).containsExactly("0", "1");
      assertThat(spool.stats().corrupt()).isPositive();
    }
  }

  @Test
  void shouldRefuseACapBelowTwoSegments() {
    assertThatThrownBy(() -> DiskSpool.open(dir, 1_000, 1_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least two segments");
  }
}
