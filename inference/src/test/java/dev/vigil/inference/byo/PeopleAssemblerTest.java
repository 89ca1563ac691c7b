package dev.vigil.inference.byo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.SiteConfig.Detector.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeopleAssemblerTest {

  private static final double EPS = 1e-9;

  private static void assertBox(Box actual, Box expected) {
    assertThat(actual.x1()).isCloseTo(expected.x1(), within(EPS));
    assertThat(actual.y1()).isCloseTo(expected.y1(), within(EPS));
    assertThat(actual.x2()).isCloseTo(expected.x2(), within(EPS));
    assertThat(actual.y2()).isCloseTo(expected.y2(), within(EPS));
  }

  private static Detection d(Role role, double score, double x1, double y1, double x2, double y2) {
    return new Detection(new Box(x1, y1, x2, y2), role, score);
  }

  @Test
  void shouldGiveTheHeadToThePersonItOverlapsMostWhenBoxesOverlap() {
    // Two overlapping workers; the helmet's centre (0.41, 0.15) lies in the upper half of both,
    // but the helmet overlaps the less confident one more.
    Detection left = d(Role.PERSON, 0.9, 0.0, 0.1, 0.42, 0.9);
    Detection right = d(Role.PERSON, 0.8, 0.3, 0.1, 0.8, 0.9);
    Detection helmet = d(Role.HELMET, 0.7, 0.36, 0.1, 0.46, 0.2);

    List<Person> people = PeopleAssembler.people(List.of(left, right, helmet));

    assertThat(people).hasSize(2);
    assertThat(people.get(0).head()).isNull();
    assertThat(people.get(1).box()).isEqualTo(right.box());
    assertThat(people.get(1).head()).isEqualTo(helmet.box());
    assertThat(people.get(1).helmet()).isTrue();
    assertThat(people.get(1).helmetProbability()).isEqualTo(0.7);
  }

  @Test
  void shouldMakeAPersonOfAHeadWhenItIsOnlyInTheLowerPartOfAPersonBox() {
    Detection body = d(Role.PERSON, 0.9, 0.0, 0.0, 0.5, 1.0);
    // A head at hip height is someone crouching in front, not this person's head.
    Detection head = d(Role.HEAD, 0.6, 0.2, 0.6, 0.3, 0.7);

    List<Person> people = PeopleAssembler.people(List.of(body, head));

    assertThat(people).hasSize(2);
    assertThat(people.get(0).head()).isNull();
    Person crouching = people.get(1);
    assertThat(crouching.head()).isEqualTo(head.box());
    assertThat(crouching.helmet()).isFalse();
    assertBox(crouching.box(), new Box(0.15, 0.6, 0.35, 1.0));
    assertThat(crouching.foot().x()).isCloseTo(0.25, within(EPS));
    assertThat(crouching.foot().y()).isEqualTo(1.0);
  }

  @Test
  void shouldCountAHeadOnceWhenItIsFoundAsBothHeadAndHelmet() {
    Detection body = d(Role.PERSON, 0.9, 0.0, 0.0, 0.5, 1.0);
    Detection helmet = d(Role.HELMET, 0.55, 0.2, 0.0, 0.3, 0.1);
    Detection head = d(Role.HEAD, 0.75, 0.2, 0.01, 0.3, 0.11);

    List<Person> people = PeopleAssembler.people(List.of(body, helmet, head));

    // The more confident reading wins, and no phantom person appears.
    assertThat(people).hasSize(1);
    assertThat(people.get(0).head()).isEqualTo(head.box());
    assertThat(people.get(0).helmet()).isFalse();
    assertThat(people.get(0).helmetProbability()).isEqualTo(1 - 0.75);
  }

  @Test
  void shouldGiveEachPersonOneHeadWhenTwoHeadsFallInOneBox() {
    Detection body = d(Role.PERSON, 0.9, 0.0, 0.0, 0.6, 1.0);
    Detection first = d(Role.HELMET, 0.8, 0.05, 0.05, 0.15, 0.15);
    Detection second = d(Role.HEAD, 0.7, 0.4, 0.05, 0.5, 0.15);

    List<Person> people = PeopleAssembler.people(List.of(second, body, first));

    assertThat(people).extracting(Person::head).containsExactly(first.box(), second.box());
    assertThat(people).extracting(Person::helmet).containsExactly(true, false);
    assertBox(people.get(1).box(), new Box(0.35, 0.05, 0.55, 0.75));
  }

  @Test
  void shouldClipTheBodyToTheFrameWhenTheHeadIsNearTheEdge() {
    assertBox(PeopleAssembler.bodyBelow(new Box(0.0, 0.8, 0.1, 0.9)), new Box(0.0, 0.8, 0.15, 1.0));
  }
}
