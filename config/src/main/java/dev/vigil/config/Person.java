package dev.vigil.config;

import java.util.List;

/**
 * One person seen in one frame. Carries geometry and judgements only: no pixels, no identity.
 *
 * @param box the body box, normalised
 * @param score detector confidence 0..1
 * @param head the head box, or null when the head is not visible
 * @param helmetProbability probability that the head wears a hard hat, or null when unknown
 * @param helmet true, false, or null when the head is not visible well enough to judge
 * @param foot the point the person stands on (ankles, else bottom-centre of the box)
 * @param zones ids of the zones the person is in
 * @param trackId anonymous per-camera track id, or null before tracking
 */
public record Person(
    Box box,
    double score,
    Box head,
    Double helmetProbability,
    Boolean helmet,
    Point foot,
    List<String> zones,
    Long trackId) {

  public Person {
    zones = zones == null ? List.of() : List.copyOf(zones);
  }

  /** A person with only a body box and score, as the person detector sees them. */
  public static Person detected(Box box, double score, Point foot) {
    return new Person(box, score, null, null, null, foot, List.of(), null);
  }

  public Person withHead(Box head, Double helmetProbability, Boolean helmet) {
    return new Person(box, score, head, helmetProbability, helmet, foot, zones, trackId);
  }

  public Person withZones(List<String> zones) {
    return new Person(box, score, head, helmetProbability, helmet, foot, zones, trackId);
  }

  public Person withTrackId(Long trackId) {
    return new Person(box, score, head, helmetProbability, helmet, foot, zones, trackId);
  }
}
