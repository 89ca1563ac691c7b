package dev.vigil.inference.byo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfigException;
import dev.vigil.config.SiteConfigLoader;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.UndecodableFrameException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedModelDetectorTest {
  private static final double EPS = 1e-6;

  @TempDir static Path models;
  private static Path uint8Model;
  private static Path floatModel;

  @BeforeAll
  static void exportModels() throws Exception {
    uint8Model = models.resolve("uint8");
    floatModel = models.resolve("float32");
    TinyDetector.export(uint8Model, false);
    TinyDetector.export(floatModel, true);
  }

  /** The model section of a site.yaml with this detector section, parsed by the real loader. */
  private static SiteConfig.Model model(String detector) {
    String yaml = "site: plant-1\nmodel:\n  intra_op_threads: 1\n  detector:\n" + detector;
    SiteConfig site = SiteConfigLoader.parse(yaml, "site.yaml", Map.of());
    return site.model();
  }

  private static FrameAnalyzer open(String detector) {
    return Detectors.open(
        model(detector),
        () -> {
          throw new AssertionError("the built-in analyzer must not be opened");
        });
  }

  /** A JPEG of one colour, encoded by OpenCV. */
  private static byte[] jpeg(int width, int height, double b, double g, double r) {
    try (Scalar colour = new Scalar(b, g, r, 0);
        Mat image = new Mat(height, width, CV_8UC3, colour);
        BytePointer out = new BytePointer()) {
      assertThat(imencode(".jpg", image, out)).isTrue();
      byte[] bytes = new byte[(int) out.limit()];
      out.get(bytes);
      return bytes;
    }
  }

  private static byte[] realFrame() throws Exception {
    String root = System.getProperty("vigil.shared.data");
    assumeThat(root).as("system property vigil.shared.data").isNotNull();
    Path frame = Path.of(root, "frames", "intel_one-by-one_01.jpg");
    assumeThat(Files.isRegularFile(frame)).as(frame + " exists").isTrue();
    return Files.readAllBytes(frame);
  }

  private static void assertBox(Box actual, double x1, double y1, double x2, double y2) {
    assertThat(actual.x1()).isCloseTo(x1, within(EPS));
    assertThat(actual.y1()).isCloseTo(y1, within(EPS));
    assertThat(actual.x2()).isCloseTo(x2, within(EPS));
    assertThat(actual.y2()).isCloseTo(y2, within(EPS));
  }

  private static void assertPoint(Point actual, double x, double y) {
    assertThat(actual.x()).isCloseTo(x, within(EPS));
    assertThat(actual.y()).isCloseTo(y, within(EPS));
  }

  @Test
  void shouldMapPersonHeadAndHelmetBoxesToPeopleWhenTheModelFindsThem() throws Exception {
    byte[] frame = realFrame();
    try (FrameAnalyzer detector =
        open(
            """
                saved_model: %s
                classes: {1: person, 2: head, 3: helmet}
            """
                .formatted(uint8Model))) {
      assertThat(detector).isInstanceOf(SavedModelDetector.class);

      FrameAnalysis a = detector.analyze(frame);

      try (Mat decoded =
          org.bytedeco.opencv.global.opencv_imgcodecs.imread(
              Path.of(System.getProperty("vigil.shared.data"), "frames", "intel_one-by-one_01.jpg")
                  .toString())) {
        assertThat(a.width()).isEqualTo(decoded.cols());
        assertThat(a.height()).isEqualTo(decoded.rows());
      }
      assertThat(a.timingsMs()).containsKeys("decode", "model");
      // Row 0 with the helmet of row 1; row 2 as a person of its own; row 3 below min_score,
      // row 4 unmapped, row 5 the helmet's head again, rows 6 and 7 unmapped, 8 and 9 padding.
      assertThat(a.people()).hasSize(2);
      Person worker = a.people().get(0);
      assertBox(worker.box(), 0.1, 0.2, 0.4, 0.9);
      assertThat(worker.score()).isCloseTo(0.9, within(EPS));
      assertBox(worker.head(), 0.2, 0.22, 0.3, 0.32);
      assertThat(worker.helmet()).isTrue();
      assertThat(worker.helmetProbability()).isCloseTo(0.8, within(EPS));
      assertPoint(worker.foot(), 0.25, 0.9);

      Person bareHead = a.people().get(1);
      assertBox(bareHead.head(), 0.7, 0.1, 0.8, 0.2);
      assertThat(bareHead.helmet()).isFalse();
      assertThat(bareHead.helmetProbability()).isCloseTo(0.3, within(EPS));
      assertThat(bareHead.score()).isCloseTo(0.7, within(EPS));
      // No person box holds it: the head box widened to twice its width and extended downward
      // to seven head heights.
      assertBox(bareHead.box(), 0.65, 0.1, 0.85, 0.8);
      assertPoint(bareHead.foot(), 0.75, 0.8);
    }
  }

  @Test
  void shouldKeepLowScoringDetectionsWhenMinScoreIsLowered() {
    try (FrameAnalyzer detector =
        open(
            """
                saved_model: %s
                min_score: 0.25
                classes: {1: person, 3: helmet}
            """
                .formatted(uint8Model))) {
      List<Person> people = detector.analyze(jpeg(64, 48, 0, 0, 0)).people();

      // The head classes 2 are not mapped now: rows 2 and 5 are dropped, row 3 (0.3) is kept.
      assertThat(people).extracting(Person::score).hasSize(2);
      assertThat(people.get(0).score()).isCloseTo(0.9, within(EPS));
      assertThat(people.get(0).helmet()).isTrue();
      assertThat(people.get(1).score()).isCloseTo(0.3, within(EPS));
      assertBox(people.get(1).box(), 0.5, 0.3, 0.6, 0.6);
      assertThat(people.get(1).head()).isNull();
      assertThat(people.get(1).helmet()).isNull();
    }
  }

  @Test
  void shouldFeedRgbPixelsWhenTheFrameIsDecodedAsBgr() {
    // Class 9 scores the mean red of what the model is fed: pure red only scores 1 in RGB order.
    String yaml = "    saved_model: %s\n    input: %s\n    classes: {9: person}\n";
    for (String input : List.of("uint8", "float32")) {
      Path dir = input.equals("uint8") ? uint8Model : floatModel;
      try (FrameAnalyzer detector = open(yaml.formatted(dir, input))) {
        List<Person> red = detector.analyze(jpeg(64, 48, 0, 0, 255)).people();
        List<Person> blue = detector.analyze(jpeg(64, 48, 255, 0, 0)).people();

        assertThat(red).as(input).hasSize(1);
        assertThat(red.get(0).score()).as(input).isGreaterThan(0.97);
        assertBox(red.get(0).box(), 0.5, 0.5, 0.9, 0.9);
        assertThat(blue).as(input).isEmpty();
      }
    }
  }

  @Test
  void shouldResizeTheLongSideWhenInputSizeIsSet() {
    // Class 8 scores the width the model is fed, in thousandths.
    String yaml = "    saved_model: %s\n    min_score: 0\n    classes: {8: person}\n%s";
    byte[] frame = jpeg(640, 480, 0, 0, 0);
    try (FrameAnalyzer asIs = open(yaml.formatted(uint8Model, ""));
        FrameAnalyzer resized = open(yaml.formatted(uint8Model, "    input_size: 320\n"))) {
      FrameAnalysis full = asIs.analyze(frame);
      FrameAnalysis half = resized.analyze(frame);

      assertThat(full.people().get(0).score()).isCloseTo(0.64, within(EPS));
      assertThat(half.people().get(0).score()).isCloseTo(0.32, within(EPS));
      // Boxes stay normalised to the frame, whatever size the model sees.
      assertThat(half.width()).isEqualTo(640);
      assertBox(half.people().get(0).box(), 0, 0, 0.5, 0.5);
    }
  }

  @Test
  void shouldThrowUndecodableFrameWhenTheBytesAreNotAnImage() {
    try (FrameAnalyzer detector =
        open("    saved_model: %s\n    classes: {1: person}\n".formatted(uint8Model))) {
      assertThatThrownBy(() -> detector.analyze(new byte[] {1, 2, 3, 4, 5}))
          .isInstanceOf(UndecodableFrameException.class)
          .hasMessageContaining("5 bytes")
          .hasMessageContaining("0x01020304");
      assertThatThrownBy(() -> detector.analyze(new byte[0]))
          .isInstanceOf(UndecodableFrameException.class);
    }
  }

  @Test
  void shouldNameTheFolderWhenTheSavedModelIsMissing() {
    Path missing = models.resolve("nope");

    assertThatThrownBy(
            () -> open("    saved_model: %s\n    classes: {1: person}\n".formatted(missing)))
        .isInstanceOf(SiteConfigException.class)
        .hasMessage(
            "model.detector.saved_model: no such folder "
                + missing
                + ". Copy the exported SavedModel there, or fix the path.");
    assertThatThrownBy(
            () -> open("    saved_model: %s\n    classes: {1: person}\n".formatted(models)))
        .isInstanceOf(SiteConfigException.class)
        .hasMessageContaining(models + " holds no saved_model.pb");
  }

  @Test
  void shouldExplainTheMismatchWhenTheInputTypeOrSignatureIsWrong() {
    assertThatThrownBy(
            () ->
                open(
                    "    saved_model: %s\n    input: float32\n    classes: {1: person}\n"
                        .formatted(uint8Model)))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("takes its image input_tensor as DT_UINT8")
        .hasMessageEndingWith("Set model.detector.input: uint8.");
    assertThatThrownBy(
            () ->
                open(
                    "    saved_model: %s\n    signature: detect\n    classes: {1: person}\n"
                        .formatted(uint8Model)))
        .isInstanceOf(InferenceException.class)
        .hasMessage(
            "The SavedModel in "
                + uint8Model
                + " has no signature \"detect\"; it has [serving_default]. Set"
                + " model.detector.signature to one of them.");
  }

  @Test
  void shouldOpenTheBuiltInAnalyzerWhenNoDetectorIsConfigured() {
    FrameAnalyzer builtIn =
        new FrameAnalyzer() {
          @Override
          public FrameAnalysis analyze(byte[] encodedImage) {
            return new FrameAnalysis(1, 1, List.of(), Map.of());
          }

          @Override
          public void close() {}
        };
    SiteConfig.Model model = SiteConfigLoader.parse("site: a\n", "site.yaml", Map.of()).model();

    assertThat(Detectors.open(model, () -> builtIn)).isSameAs(builtIn);
    assertThat(Detectors.open(null, () -> builtIn)).isSameAs(builtIn);
  }
}
