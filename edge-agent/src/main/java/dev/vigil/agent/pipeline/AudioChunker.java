package dev.vigil.agent.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a stream of mono 16-bit samples into fixed-length snippets of little-endian PCM (s16le),
 * each stamped with the capture time of its first sample.
 *
 * <p>Not thread-safe: one per camera loop. No native resources.
 */
public final class AudioChunker {
  /** One snippet of s16le mono PCM. */
  public record Snippet(long captureTimeMs, byte[] pcm, int sampleRate) {
    public int samples() {
      return pcm.length / 2;
    }
  }

  private final int sampleRate;
  private final short[] buffer;
  private int filled;
  private long bufferStartMs;

  /**
   * @param sampleRate samples per second of the input
   * @param snippetSeconds snippet length, e.g. 1.0
   */
  public AudioChunker(int sampleRate, double snippetSeconds) {
    this.sampleRate = sampleRate;
    this.buffer = new short[Math.max(1, (int) Math.round(sampleRate * snippetSeconds))];
  }

  /** Adds samples whose first was captured at {@code captureTimeMs}; returns completed snippets. */
  public List<Snippet> add(short[] samples, long captureTimeMs) {
    List<Snippet> out = new ArrayList<>(1);
    int offset = 0;
    while (offset < samples.length) {
      if (filled == 0) {
        bufferStartMs = captureTimeMs + offset * 1000L / sampleRate;
      }
      int n = Math.min(buffer.length - filled, samples.length - offset);
      System.arraycopy(samples, offset, buffer, filled, n);
      filled += n;
      offset += n;
      if (filled == buffer.length) {
        out.add(emit());
      }
    }
    return out;
  }

  /**
   * Returns the partial snippet if it holds at least {@code minSeconds} of audio, else null; either
   * way the buffer is emptied. Call at the end of a source or after a gap.
   */
  public Snippet flush(double minSeconds) {
    Snippet s = filled > 0 && filled >= minSeconds * sampleRate ? emit() : null;
    filled = 0;
    return s;
  }

  private Snippet emit() {
    byte[] pcm = new byte[filled * 2];
    for (int i = 0; i < filled; i++) {
      pcm[2 * i] = (byte) buffer[i];
      pcm[2 * i + 1] = (byte) (buffer[i] >> 8);
    }
    filled = 0;
    return new Snippet(bufferStartMs, pcm, sampleRate);
  }
}
