package dev.vigil.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AudioChunkerTest {
  @Test
  void shouldCutOneSecondSnippetsStampedWithFirstSampleWhenBlocksStraddleBoundaries() {
    AudioChunker c = new AudioChunker(16_000, 1.0);
    List<AudioChunker.Snippet> out = new ArrayList<>();
    // 25 blocks of 1000 samples (62.5 ms each), starting at t = 10_000 ms
    for (int b = 0; b < 25; b++) {
      short[] block = new short[1000];
      for (int i = 0; i < block.length; i++) {
        block[i] = (short) (b * 1000 + i);
      }
      out.addAll(c.add(block, 10_000 + Math.round(b * 62.5)));
    }
    assertThat(out).hasSize(1);
    assertThat(out.get(0).pcm()).hasSize(32_000);
    assertThat(out.get(0).captureTimeMs()).isEqualTo(10_000);
    AudioChunker.Snippet tail = c.flush(0.5);
    assertThat(tail.samples()).isEqualTo(9000);
    assertThat(tail.captureTimeMs()).isEqualTo(11_000);
    // little-endian: sample 16000 = 0x3E80 is the first of the tail
    assertThat(tail.pcm()[0] & 0xff).isEqualTo(0x80);
    assertThat(tail.pcm()[1] & 0xff).isEqualTo(0x3E);
  }

  @Test
  void shouldDropShortTailWhenBelowMinimum() {
    AudioChunker c = new AudioChunker(16_000, 1.0);
    assertThat(c.add(new short[4000], 0)).isEmpty();
    assertThat(c.flush(0.5)).isNull();
    assertThat(c.flush(0)).isNull();
  }
}
