package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong clock = new AtomicLong();

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Reports 1 to {@code updates} done, the clock moving on by {@code step} before each. */
  private void update(Progress p, int updates, Duration step) {
    for (int i = 1; i <= updates; i++) {
      clock.addAndGet(step.toNanos());
      p.update(i);
    }
  }

  @Test
  void shouldPrintOneLinePerTenthWithTheTimeLeftWhenNotATerminal() {
    Progress p = new Progress("eval", 100, "images", err, false, clock::get);
    update(p, 100, Duration.ofSeconds(1));
    p.finish();

    String[] lines = printed().split("\n");
    assertThat(lines).hasSize(10);
    assertThat(lines[0]).isEqualTo("eval: 10/100 images (10%), about 1m30s left");
    assertThat(lines[4]).isEqualTo("eval: 50/100 images (50%), about 50s left");
    assertThat(lines[9]).isEqualTo("eval: 100/100 images (100%), done in 1m40s");
    assertThat(printed()).doesNotContain("\r");
  }

  @Test
  void shouldRedrawOneBarInPlaceAndKeepOtherLinesWholeWhenATerminal() {
    Progress p = new Progress("train", 10, "epochs", err, true, clock::get);
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    for (int i = 1; i <= 10; i++) {
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
      p.update(i);
      if (i == 4) {
        p.above(out, "train: epoch 4/10 loss 0.1");
      }
    }
    p.finish();

    String s = printed();
    assertThat(s)
        .contains("\rtrain [" + "#".repeat(15) + ".".repeat(15) + "] 5/10 epochs  50%  ETA 5s")
        .endsWith("] 10/10 epochs 100%  done in 10s\n")
        .doesNotContain("\n\r");
    // The line above the bar went out whole, after the bar was wiped.
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEqualTo("train: epoch 4/10 loss 0.1\n");
    assertThat(s).containsPattern("\r {40,}\r");
  }

  @Test
  void shouldRedrawAtMostFiveTimesASecondWhenUpdatesComeFaster() {
    Progress p = new Progress("eval", 100, "images", err, true, clock::get);
    update(p, 50, Duration.ofMillis(10));
    // 500 ms of updates: drawn at 10 ms, then every 200 ms.
    assertThat(printed().chars().filter(c -> c == '\r').count()).isEqualTo(3);
  }

  @Test
  void shouldSayWhenTheTimeLeftIsNotKnownYet() {
    Progress p = new Progress("bench", 4, "phases", err, false, clock::get);
    assertThat(p.plainLine(0)).isEqualTo("bench: 0/4 phases (0%), time left unknown");
    assertThat(p.barLine(0)).endsWith("0/4 phases   0%  ETA --");
    assertThat(Progress.human(Duration.ofSeconds(3725))).isEqualTo("1h02m");
  }
}
