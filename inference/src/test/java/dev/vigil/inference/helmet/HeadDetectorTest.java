package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadDetectorTest {

  @Test
  void shouldDecodePeakIntoBoxWhenOneCellStandsOut() {
    int g = 4;
    float[] out = new float[g * g * 5];
    for (int k = 0; k < g * g; k++) {
      out[k * 5] = -5;
    }
    // Cell (i=2, j=1): centre logit 2, width 2 cells, height 4 cells, offset (0.5, 0.25).
    int c = (1 * g + 2) * 5;
    out[c] = 2;
    out[c + 1] = (float) Math.log(2);
    out[c + 2] = (float) Math.log(4);
    out[c + 3] = 0.5f;
    out[c + 4] = 0.25f;
    // A weaker neighbour is not a peak.
    out[(1 * g + 3) * 5] = 1;

    // Scale 0.5: the frame is 64 x 64 px, the network saw it at 32 x 32.
    List<HeadPrediction> heads = HeadDetector.decode(out, g, 0.3, 0.5, 64, 64);

    assertThat(heads).hasSize(1);
    HeadPrediction h = heads.get(0);
    assertThat(h.score()).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-9));
    assertThat(h.helmet()).isNull();
    // Centre (2.5, 1.25) cells x 8 px / 0.5 = (40, 20) px; size 32 x 64 px.
    assertThat(h.box().x1() * 64).isCloseTo(24, within(1e-4));
    assertThat(h.box().x2() * 64).isCloseTo(56, within(1e-4));
    assertThat(h.box().y1()).isZero();
    assertThat(h.box().y2() * 64).isCloseTo(52, within(1e-4));
  }

  @Test
  void shouldLowerLossAndFindHeadsWhenTrainedOnTinySlice(@TempDir Path out) {
    Path hardhat = SharedData.hardhat();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    HelmetTrainer.Options options = new HelmetTrainer.Options(3, 6, 4, 3e-3f, 128, 8, 2);

    HeadDetectorTrainer.Outcome result;
    try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      result = HeadDetectorTrainer.train(hardhat, out, options, ps);
    }

    assertThat(result.epochLosses()).hasSize(6);
    assertThat(result.epochLosses().get(5)).isLessThan(result.epochLosses().get(0) * 0.9);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("epoch 6/6", "validation");
    VocImage first = VocDataset.read(hardhat, VocDataset.Split.VALIDATION).get(0);
    try (HeadDetector detector = HeadDetector.open(out, 1, 128);
        Mat bgr = opencv_imgcodecs.imread(first.image().toString())) {
      assertThat(detector.detect(bgr, 0.0))
          .isNotEmpty()
          .allSatisfy(h -> assertThat(h.score()).isBetween(0.0, 1.0));
    }
  }
}
