package dev.vigil.processor.scene;

import dev.vigil.config.AudioFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent audio snippets of one camera, kept so frames can be joined to the audio around them in
 * event time. Immutable; stored as JSON per camera.
 *
 * @param snippets recent snippets, oldest first
 */
public record AudioWindow(List<Snippet> snippets) {
  /** How much audio history is kept, in event time. */
  public static final long KEEP_MS = 10_000;

  public AudioWindow {
    snippets = snippets == null ? List.of() : List.copyOf(snippets);
  }

  /** One analysed snippet covering [start, end) in event time. */
  public record Snippet(long start, long end, AudioFeatures features) {}

  /** Adds a snippet and drops the ones older than {@link #KEEP_MS} before it. */
  public AudioWindow with(Snippet s) {
    List<Snippet> kept = new ArrayList<>();
    for (Snippet old : snippets) {
      if (old.end() >= s.start() - KEEP_MS && old.start() != s.start()) {
        kept.add(old);
      }
    }
    kept.add(s);
    kept.sort((a, b) -> Long.compare(a.start(), b.start()));
    return new AudioWindow(kept);
  }

  /**
   * The audio around {@code timestamp}: the snippets overlapping [timestamp - tolerance, timestamp
   * + tolerance], merged (alarm or impulse if any says so, the loudest level). Null when none.
   */
  public AudioFeatures around(long timestamp, long toleranceMs) {
    AudioFeatures merged = null;
    for (Snippet s : snippets) {
      if (s.end() + toleranceMs < timestamp || s.start() - toleranceMs > timestamp) {
        continue;
      }
      AudioFeatures f = s.features();
      merged =
          merged == null
              ? f
              : new AudioFeatures(
                  Math.max(merged.laeqDbfs(), f.laeqDbfs()),
                  merged.alarm() || f.alarm(),
                  merged.impulse() || f.impulse());
    }
    return merged;
  }
}
