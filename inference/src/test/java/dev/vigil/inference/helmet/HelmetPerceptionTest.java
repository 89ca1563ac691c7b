package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.Person;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.vision.PersonPerception;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Full perception (MoveNet, head placement, helmet classifier) on real footage. */
class HelmetPerceptionTest {

  private static PersonPerception perception;

  @BeforeAll
  static void open() {
    SharedData.root();
    perception = Perception.full();
  }

  @AfterAll
  static void close() {
    if (perception != null) {
      perception.close();
    }
  }

  /** Every frame of a video, analysed. */
  private static List<FrameAnalysis> analyseVideo(String name) throws IOException {
    Path video = SharedData.root().resolve("video").resolve(name);
    assumeTrue(Files.isRegularFile(video), "Skipped: " + video + " is absent");
    List<FrameAnalysis> out = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
      grabber.start();
      Frame frame;
      while ((frame = grabber.grabImage()) != null) {
        Mat mat = converter.convert(frame);
        try (BytePointer jpeg = new BytePointer()) {
          imencode(".jpg", mat, jpeg);
          byte[] bytes = new byte[(int) jpeg.limit()];
          jpeg.get(bytes);
          out.add(perception.analyze(bytes));
        }
      }
      grabber.stop();
    }
    return out;
  }

  private static Stream<Person> heads(FrameAnalysis a) {
    return a.people().stream().filter(p -> p.head() != null);
  }

  @Test
  void shouldJudgeWorkerHelmetedWhenWorkerZoneVideoPlays() throws IOException {
    List<FrameAnalysis> frames = analyseVideo("worker-zone-detection.mp4");

    List<FrameAnalysis> seen = frames.stream().filter(a -> heads(a).findAny().isPresent()).toList();
    long helmeted =
        seen.stream().filter(a -> heads(a).anyMatch(p -> Boolean.TRUE.equals(p.helmet()))).count();
    assertThat(frames).hasSizeGreaterThan(30);
    assertThat(seen.size()).isGreaterThanOrEqualTo(frames.size() / 2);
    assertThat((double) helmeted / seen.size()).isGreaterThanOrEqualTo(0.9);
    // Whoever has a head also has a probability, and the analysis says what the helmet cost.
    assertThat(seen).allSatisfy(a -> assertThat(a.timingsMs()).containsKey("helmet"));
    assertThat(seen.stream().flatMap(HelmetPerceptionTest::heads))
        .allSatisfy(p -> assertThat(p.helmetProbability()).isBetween(0.0, 1.0));
  }

  @Test
  void shouldJudgeNobodyHelmetedWhenPeopleWalkWithoutHelmets() throws IOException {
    List<FrameAnalysis> frames = analyseVideo("face-demographics-walking.mp4");

    assertThat(frames.stream().flatMap(HelmetPerceptionTest::heads)).isNotEmpty();
    assertThat(frames.stream().flatMap(a -> a.people().stream()))
        .noneMatch(p -> Boolean.TRUE.equals(p.helmet()));
  }

  @Test
  void shouldJudgeNoHelmetWhenSafetyGearFacesAreShown() throws IOException {
    Path frames = SharedData.root().resolve("frames");
    List<Path> faces;
    try (Stream<Path> files = Files.list(frames)) {
      faces =
          files
              .filter(p -> p.getFileName().toString().startsWith("intel_sgd_face_"))
              .sorted()
              .toList();
    }
    assumeTrue(!faces.isEmpty(), "Skipped: no intel_sgd_face_*.jpg in " + frames);

    int judgedBare = 0;
    for (Path face : faces) {
      FrameAnalysis a = perception.analyze(Files.readAllBytes(face));
      assertThat(a.people()).as(face.toString()).noneMatch(p -> Boolean.TRUE.equals(p.helmet()));
      judgedBare += (int) a.people().stream().filter(p -> Boolean.FALSE.equals(p.helmet())).count();
    }
    assertThat(judgedBare).isGreaterThanOrEqualTo(faces.size() - 1);
  }

  @Test
  void shouldFindMoreHeadsThanThePoseModelCanWhenCrowdsAreShown() throws IOException {
    List<VocImage> crowds =
        VocDataset.read(SharedData.hardhat(), VocDataset.Split.VALIDATION).stream()
            .filter(i -> i.heads().size() > 8)
            .toList();
    assertThat(crowds).hasSizeGreaterThan(10);

    // MoveNet MultiPose reports at most six people; the head detector must add the rest.
    int beyondSix = 0;
    for (VocImage crowd : crowds) {
      List<HeadPrediction> heads =
          Evaluator.predictions(perception.analyze(Files.readAllBytes(crowd.image())));
      if (HeadMatcher.match(heads, crowd.heads()).size() > 6) {
        beyondSix++;
      }
    }
    assertThat(beyondSix).isGreaterThanOrEqualTo(crowds.size() / 2);
  }
}
