package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.vision.PoseDetector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TInt32;

class HeadDetectorTest {

  @Test
  void shouldDecodePeakIntoBoxWhenOneCellStandsOut() {
    int gw = 8;
    int gh = 4;
    int n = HeadDetector.outputsPerCell();
    float[] out = new float[gw * gh * n];
    for (int k = 0; k < gw * gh; k++) {
      out[k * n] = -5;
    }
    // Cell (i=2, j=1): centre logit 2, width 2 cells, height 4 cells, offset (0.5, 0.25), helmet
    // logit 3.
    int c = (1 * gw + 2) * n;
    out[c] = 2;
    out[c + 1] = (float) Math.log(2);
    out[c + 2] = (float) Math.log(4);
    out[c + 3] = 0.5f;
    out[c + 4] = 0.25f;
    out[c + 5] = 3;
    // A weaker neighbour is not a peak.
    out[(1 * gw + 3) * n] = 1;

    // The model input is 32 x 16 px; the frame fills 20 x 16 of it.
    List<HeadDetector.DetectedHead> heads = HeadDetector.decode(out, gw, gh, 0.3, 20, 16);

    assertThat(heads).hasSize(1);
    HeadDetector.DetectedHead h = heads.get(0);
    assertThat(h.score()).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-9));
    assertThat(h.helmetProbability()).isCloseTo(1 / (1 + Math.exp(-3)), within(1e-9));
    // Centre (2.5, 1.25) cells x 4 px = (10, 5) px; size 8 x 16 px.
    assertThat(h.box().x1() * 20).isCloseTo(6, within(1e-4));
    assertThat(h.box().x2() * 20).isCloseTo(14, within(1e-4));
    assertThat(h.box().y1()).isZero();
    assertThat(h.box().y2() * 16).isCloseTo(13, within(1e-4));
  }

  @Test
  void shouldLowerLossAndFindHeadsWhenTrainedOnTinySlice(@TempDir Path out) {
    Path hardhat = SharedData.hardhat();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HelmetTrainer.Options options =
        new HelmetTrainer.Options(
            3,
            6,
            4,
            3e-3f,
            128,
            8,
            2,
            HeadCrop.DEFAULT_MARGIN,
            CctvAugment.Colour.DEFAULT.greyShare(),
            CctvAugment.Colour.DEFAULT.cast(),
            0);
    GraphDef movenet = PoseDetector.graphDef(Perception.store());

    HeadDetectorTrainer.Outcome result;
    try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      result = HeadDetectorTrainer.train(hardhat, out, movenet, options, ps);
    }

    assertThat(result.epochLosses()).hasSize(6);
    assertThat(result.epochLosses().get(5)).isLessThan(result.epochLosses().get(0) * 0.9);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("epoch 6/6", "validation");
    VocImage first = VocDataset.read(hardhat, VocDataset.Split.VALIDATION).get(0);
    try (PoseDetector detector = new PoseDetector(movenet, 1, 128, HeadDetector.read(out), 0.0);
        Mat bgr = opencv_imgcodecs.imread(first.image().toString())) {
      assertThat(detector.detect(bgr, 0.2).heads())
          .isNotEmpty()
          .allSatisfy(h -> assertThat(h.score()).isBetween(0.0, 1.0));
    }
  }

  @Test
  void shouldTreatAnUnlabelledHeadRegionAsNeitherHeadNorBackground(@TempDir Path dir) {
    Path file = dir.resolve("grey.png");
    try (Mat grey =
        new Mat(64, 64, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(128.0))) {
      opencv_imgcodecs.imwrite(file.toString(), grey);
    }
    VocImage image = new VocImage("grey.png", file, 64, 64, List.of());
    int s = 64;
    int cells = (s / HeadNet.STRIDE) * (s / HeadNet.STRIDE);

    float[] plain = new float[cells * 8];
    float[] ignored = new float[cells * 8];
    try (TInt32 input = TInt32.tensorOf(Shape.of(1, s, s, 3))) {
      HeadDetectorTrainer.draw(image, List.of(), s, new Random(1), input, plain, 0);
      HeadDetectorTrainer.draw(
          image, List.of(new Box(0, 0, 1, 0.5)), s, new Random(1), input, ignored, 0);
    }

    int plainZeros = 0;
    int ignoredZeros = 0;
    for (int k = 0; k < cells; k++) {
      plainZeros += plain[k * 8 + 1] == 0 ? 1 : 0;
      ignoredZeros += ignored[k * 8 + 1] == 0 ? 1 : 0;
    }
    // Without labels every cell is background; the region's cells weigh nothing.
    assertThat(plainZeros).isZero();
    assertThat(ignoredZeros).isPositive().isLessThan(cells);
  }

  @Test
  void shouldRefuseWeightsOfAnEarlierDetectorWithHowToRetrain(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("head-detector.json"),
        "{\"format\": \"vigil-head-detector-v3\", \"params\": []}");
    Files.write(dir.resolve("head-detector.bin"), new byte[0]);

    assertThatThrownBy(() -> HeadDetector.read(dir))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("'vigil-head-detector-v3'")
        .hasMessageContaining("'vigil-head-detector-v4'")
        .hasMessageContaining("vigil train heads");
  }
}
