package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Box;
import dev.vigil.inference.vision.PoseDetector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelmetTrainerTest {

  @Test
  void shouldLowerLossAndWriteLoadableWeightsWhenTrainedOnTinySlice(@TempDir Path out) {
    Path hardhat = SharedData.hardhat();
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    HelmetTrainer.Report report;
    try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      report =
          HelmetTrainer.train(
              hardhat,
              out,
              HelmetTrainer.Options.defaults(7, 10).withMaxImages(20).withBatchSize(16),
              ps);
    }

    assertThat(report.trainCrops()).isGreaterThan(10);
    assertThat(report.validationCrops()).isGreaterThan(0);
    assertThat(report.epochLosses()).hasSize(10);
    assertThat(report.trainLossAfter()).isLessThan(report.trainLossBefore() * 0.85);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("epoch 10/10", "validation");
    VocImage first = VocDataset.read(hardhat, VocDataset.Split.VALIDATION).get(0);
    List<Box> boxes = first.heads().stream().map(LabelledHead::box).toList();
    try (HelmetClassifier classifier = HelmetClassifier.open(out);
        Mat bgr = opencv_imgcodecs.imread(first.image().toString())) {
      float[] p = classifier.predict(bgr, boxes);
      assertThat(p).hasSize(boxes.size());
      for (float v : p) {
        assertThat(v).isBetween(0f, 1f);
      }
    }
  }

  @Test
  void shouldAlsoTrainOnTheHeadsTheDetectorFindsEachWithItsMatchedLabel(@TempDir Path out)
      throws Exception {
    Path hardhat = SharedData.hardhat();
    HelmetTrainer.Options options =
        HelmetTrainer.Options.defaults(7, 1).withMaxImages(12).withBatchSize(16);
    int labelled =
        VocDataset.read(hardhat, VocDataset.Split.TRAIN).subList(0, 12).stream()
            .mapToInt(i -> i.heads().size())
            .sum();

    HelmetTrainer.Report report;
    try (PoseDetector detector = PoseDetector.open(Perception.store(), 1, HeadDetector.bundled());
        PrintStream log =
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
      HelmetTrainer.HeadFinder finder = bgr -> detector.detect(bgr, 0.2).heads();
      report = HelmetTrainer.train(hardhat, VocDataset.Split.TRAIN, out, options, finder, log);
    }

    // Each found head joins only when it matches a label, and each label takes one found head.
    assertThat(report.detectedCrops()).isPositive().isLessThanOrEqualTo(labelled);
    assertThat(report.trainCrops()).isEqualTo(labelled + report.detectedCrops());
    assertThat(Files.readString(out.resolve("helmet-classifier.json")))
        .contains("\"detected_train_crops\" : " + report.detectedCrops());
  }
}
