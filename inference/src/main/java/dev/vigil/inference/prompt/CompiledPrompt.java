package dev.vigil.inference.prompt;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.config.Json;
import dev.vigil.config.Person;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.Scene;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A standing prompt compiled into a query over a {@link Scene}. Made only by {@link
 * PromptCompiler#compile(String)}. Immutable and thread-safe.
 *
 * <p>Semantics:
 *
 * <ul>
 *   <li>The <em>filter</em> is a helmet state ({@link #helmet()}: true, false or null for any) and
 *       a zone ({@link #zone()}, or null for the whole frame). People whose helmet state is unknown
 *       never pass a helmet filter, neither "with" nor "without".
 *   <li>{@link Measure#COUNT}: the number of people that pass the filter.
 *   <li>{@link Measure#EXISTS}: 1 when anyone passes the filter (and the sound condition holds),
 *       else 0. A prompt about sound only ("was there an impact?") is an EXISTS prompt with no
 *       people in it: 1 when the sound condition holds.
 *   <li>{@link Measure#FRACTION}: with a helmet filter, the share of people in the zone whose
 *       helmet state is known that pass it; with only a zone, the share of all people that are in
 *       the zone. With nobody to divide by the answer is NaN: there is no share of nobody.
 *   <li>A COUNT or FRACTION prompt with a sound condition answers NaN while the sound condition
 *       does not hold. NaN means "no answer": {@link #holds(double)} is false for it whatever the
 *       comparison, so "alert if nobody is in zone press while the alarm sounds" does not fire in
 *       silence. Publish NaN as JSON null.
 * </ul>
 */
public final class CompiledPrompt {
  private final Measure measure;
  private final boolean people;
  private final Boolean helmet;
  private final String zone;
  private final Comparison op;
  private final double threshold;
  private final double forSeconds;
  private final SoundCondition sound;
  private final boolean perPerson;
  private final String canonical;

  CompiledPrompt(
      Measure measure,
      boolean people,
      Boolean helmet,
      String zone,
      Comparison op,
      double threshold,
      double forSeconds,
      SoundCondition sound,
      boolean perPerson) {
    this.perPerson = perPerson;
    this.measure = Objects.requireNonNull(measure);
    this.people = people;
    this.helmet = helmet;
    this.zone = zone;
    this.op = Objects.requireNonNull(op);
    this.threshold = threshold;
    this.forSeconds = forSeconds;
    this.sound = Objects.requireNonNull(sound);
    this.canonical = describe();
  }

  /**
   * Whether the rule runs per tracked person ("the same person without a helmet for 10 s"): the
   * condition must hold for one track, not for the scene, and each person has their own episode.
   */
  public boolean perPerson() {
    return perPerson;
  }

  /** What is measured. */
  public Measure measure() {
    return measure;
  }

  /** False for a prompt about sound only, which looks at no people. */
  public boolean aboutPeople() {
    return people;
  }

  /** True for "with a helmet", false for "without a helmet", null when helmets do not matter. */
  public Boolean helmet() {
    return helmet;
  }

  /** The zone name (lower case), or null for the whole frame. */
  public String zone() {
    return zone;
  }

  /** The comparison symbol: one of {@code >}, {@code >=}, {@code <}, {@code <=}, {@code ==}. */
  public String op() {
    return op.symbol();
  }

  /** The comparison as an enum. */
  public Comparison comparison() {
    return op;
  }

  /** The threshold the answer is compared with: a count, 1 for EXISTS, or a share 0..1. */
  public double threshold() {
    return threshold;
  }

  /** For how many seconds the condition must hold before an alert; 0 for at once. */
  public double forSeconds() {
    return forSeconds;
  }

  /** The sound condition; {@link SoundCondition#NONE} when the prompt says nothing of sound. */
  public SoundCondition sound() {
    return sound;
  }

  /**
   * The prompt restated as one plain sentence. Deterministic: two prompts that mean the same thing
   * have the same canonical form.
   */
  public String canonical() {
    return canonical;
  }

  /** Answers the prompt over a scene with no sound-level calibration. */
  public double answer(Scene scene) {
    return answer(scene, 0.0);
  }

  /**
   * Answers the prompt over a scene.
   *
   * @param calibrationDb added to the scene's {@code laeqDbfs} before comparing with a noise
   *     threshold, to turn dBFS into the camera's calibrated dB(A)
   * @return a count, 1/0, a share 0..1, or NaN when there is no answer (see the class comment)
   */
  public double answer(Scene scene, double calibrationDb) {
    boolean soundHolds = sound.test(scene.audio(), calibrationDb);
    if (!people) {
      return soundHolds ? 1 : 0;
    }
    switch (measure) {
      case EXISTS:
        return soundHolds && scene.people().stream().anyMatch(this::passes) ? 1 : 0;
      case COUNT:
        return soundHolds ? scene.people().stream().filter(this::passes).count() : Double.NaN;
      case FRACTION:
      default:
        if (!soundHolds) {
          return Double.NaN;
        }
        long denominator = scene.people().stream().filter(this::inScope).count();
        if (denominator == 0) {
          return Double.NaN;
        }
        return (double) scene.people().stream().filter(this::passes).count() / denominator;
    }
  }

  /** Whether an answer breaks the rule: applies {@link #op()} and {@link #threshold()}. */
  public boolean holds(double answer) {
    return op.test(answer, threshold);
  }

  /** Answers and applies the comparison in one step, with a calibration offset in dB. */
  public boolean holds(Scene scene, double calibrationDb) {
    return holds(answer(scene, calibrationDb));
  }

  /**
   * The people that pass the filter, in scene order: evidence for an alert. Empty for a prompt
   * about sound only. Ignores the sound condition.
   */
  public List<Person> matching(Scene scene) {
    if (!people) {
      return List.of();
    }
    List<Person> out = new ArrayList<>();
    for (Person p : scene.people()) {
      if (passes(p)) {
        out.add(p);
      }
    }
    return Collections.unmodifiableList(out);
  }

  private boolean passes(Person p) {
    if (measure == Measure.FRACTION && helmet == null) {
      // A zone-only fraction measures the zone itself against everyone in view.
      return inZone(p);
    }
    return inScope(p) && (helmet == null || helmet.equals(p.helmet()));
  }

  /** The people a helmet filter is judged over: in the zone, and with a known helmet state. */
  private boolean inScope(Person p) {
    if (measure == Measure.FRACTION && helmet == null) {
      return true;
    }
    return inZone(p) && (helmet == null || p.helmet() != null);
  }

  private boolean inZone(Person p) {
    if (zone == null) {
      return true;
    }
    for (String z : p.zones()) {
      if (z != null && normaliseZone(z).equals(zone)) {
        return true;
      }
    }
    return false;
  }

  /** Zone names compare case-insensitively, and spaces, hyphens and underscores alike. */
  static String normaliseZone(String z) {
    return z.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", "_");
  }

  /**
   * The compiled form as an ordered map: {@code measure}, {@code helmet}, {@code zone}, {@code op},
   * {@code threshold}, {@code for_s}, {@code canonical}, and {@code alarm}, {@code noise_op},
   * {@code noise_db}, {@code impact} when the prompt mentions sound.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("measure", measure.wireName());
    m.put("helmet", helmet);
    m.put("zone", zone);
    m.put("op", op.symbol());
    m.put("threshold", threshold);
    m.put("for_s", forSeconds);
    if (perPerson) {
      m.put("per_person", true);
    }
    if (sound.isPresent()) {
      m.put("alarm", sound.alarm());
      m.put("noise_op", sound.noiseOp() == null ? null : sound.noiseOp().symbol());
      m.put("noise_db", sound.noiseOp() == null ? null : sound.noiseDb());
      m.put("impact", sound.impact());
    }
    m.put("canonical", canonical);
    return Collections.unmodifiableMap(m);
  }

  /** {@link #toMap()} as a JSON object. */
  public String toJson() {
    try {
      return Json.mapper().writeValueAsString(toMap());
    } catch (JsonProcessingException e) {
      throw new InferenceException("cannot write compiled prompt as JSON", e);
    }
  }

  private String describe() {
    StringBuilder s = new StringBuilder();
    String soundText = soundText();
    if (!people) {
      s.append("Check whether ").append(soundText).append("; alert when true");
    } else if (measure == Measure.EXISTS) {
      s.append(perPerson ? "Check whether the same person" : "Check whether anyone");
      appendHelmet(s);
      s.append(zone == null ? " is in view" : " is in zone " + zone);
      if (!soundText.isEmpty()) {
        s.append(" while ").append(soundText);
      }
      s.append("; alert when true");
    } else if (measure == Measure.COUNT) {
      s.append("Count people");
      appendHelmet(s);
      s.append(zone == null ? " in view" : " in zone " + zone);
      if (!soundText.isEmpty()) {
        s.append(" while ").append(soundText);
      }
      s.append("; alert when ").append(op.countWords()).append(' ').append(number(threshold));
    } else {
      s.append("Measure the share of people");
      if (helmet == null) {
        s.append(" who are in zone ").append(zone);
      } else {
        if (zone != null) {
          s.append(" in zone ").append(zone);
        }
        s.append(" with a known helmet state who ")
            .append(helmet ? "wear a helmet" : "do not wear a helmet");
      }
      if (!soundText.isEmpty()) {
        s.append(" while ").append(soundText);
      }
      s.append("; alert when ")
          .append(op.levelWords())
          .append(' ')
          .append(number(threshold * 100))
          .append('%');
    }
    if (forSeconds > 0) {
      s.append(" for ").append(number(forSeconds)).append(" s");
    }
    return s.append('.').toString();
  }

  private void appendHelmet(StringBuilder s) {
    if (helmet != null) {
      s.append(helmet ? " with a helmet" : " without a helmet");
    }
  }

  private String soundText() {
    List<String> parts = new ArrayList<>();
    if (sound.alarm()) {
      parts.add("an alarm is sounding");
    }
    if (sound.noiseOp() != null) {
      parts.add("noise is " + sound.noiseOp().levelWords() + " " + number(sound.noiseDb()) + " dB");
    }
    if (sound.impact()) {
      parts.add("an impact is heard");
    }
    return String.join(" and ", parts);
  }

  /** Whole numbers without a decimal point, others without trailing zeros. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return BigDecimal.valueOf(v)
        .round(new java.math.MathContext(6))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** Two compiled prompts are equal when they mean the same thing. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CompiledPrompt other && canonical.equals(other.canonical);
  }

  @Override
  public int hashCode() {
    return canonical.hashCode();
  }

  @Override
  public String toString() {
    return canonical;
  }
}
