package dev.vigil.deploy;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sees one standing person in every frame: for tests where what is under test is downstream of
 * perception (rules, transactions, the model route), not the person detector.
 */
final class OnePerson implements FrameAnalyzer {
  private final byte[] poison;

  OnePerson() {
    this(null);
  }

  private OnePerson(byte[] poison) {
    this.poison = poison;
  }

  /** As {@link #OnePerson()}, but throws on a frame whose bytes are {@code poison}. */
  static OnePerson throwingOn(byte[] poison) {
    return new OnePerson(poison.clone());
  }

  @Override
  public FrameAnalysis analyze(byte[] encodedImage) {
    if (poison != null && Arrays.equals(encodedImage, poison)) {
      throw new IllegalStateException("poison frame");
    }
    Person p =
        new Person(new Box(0.4, 0.2, 0.6, 0.9), 0.9, null, null, null, null, List.of(), null);
    return new FrameAnalysis(640, 480, List.of(p), Map.of("decode", 0.0, "model", 0.0));
  }

  @Override
  public void close() {}
}
