package dev.vigil.config;

import java.util.Collection;
import java.util.Map;

/**
 * How many people a frame shows and how their heads were judged: the one place that counts them. A
 * person whose head was not found or not judged counts as {@code unknown} ("not judged"), never on
 * either side.
 *
 * @param people everyone in the frame
 * @param helmet judged wearing a helmet
 * @param noHelmet judged bare-headed
 * @param unknown not judged
 */
public record HelmetCounts(int people, int helmet, int noHelmet, int unknown) {
  /** Counts {@code people}. */
  public static HelmetCounts of(Collection<Person> people) {
    int helmet = 0;
    int noHelmet = 0;
    for (Person p : people) {
      if (Boolean.TRUE.equals(p.helmet())) {
        helmet++;
      } else if (Boolean.FALSE.equals(p.helmet())) {
        noHelmet++;
      }
    }
    return new HelmetCounts(people.size(), helmet, noHelmet, people.size() - helmet - noHelmet);
  }

  /** Heads with a judgement either way. */
  public int judged() {
    return helmet + noHelmet;
  }

  /**
   * The counts as published (state payload, violation evidence): {@code people}, {@code helmet},
   * {@code no_helmet}, {@code unknown}.
   */
  public Map<String, Integer> toMap() {
    return Json.fields(this, Integer.class);
  }
}
