package dev.vigil.inference.helmet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.helmet.HelmetCrops.CropSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finishes a helmet training run: calibrates the trained weights on the tune set and writes them
 * with their manifest. Stateless.
 */
final class HelmetExport {

  private HelmetExport() {}

  /**
   * Fits the logit's temperature on the tune crops, folds it into the last layer of {@code
   * trained}, and scores the test set; adds the figures to {@code calibration} for the manifest.
   */
  static void calibrate(
      HelmetTrainingGraph net,
      CropSet tune,
      List<VocImage> test,
      HelmetTrainer.Options o,
      Map<String, float[]> trained,
      ObjectNode calibration,
      PrintStream log) {
    float[] z = net.logits(tune);
    double t = Calibration.fitTemperature(z, tune.labels(), tune.n());
    calibration.put("temperature", t);
    calibration.put("tune_crops", tune.n());
    calibration.put("tune_ece_before", Calibration.ece(z, tune.labels(), tune.n(), 1));
    calibration.put("tune_ece_after", Calibration.ece(z, tune.labels(), tune.n(), t));
    CropSet cleanTest =
        HelmetCrops.crops(test, HelmetCrops.samples(test), o.inputSize(), o.margin());
    float[] zt = net.logits(cleanTest);
    calibration.put("test_crops", cleanTest.n());
    calibration.put("test_ece", Calibration.ece(zt, cleanTest.labels(), cleanTest.n(), t));
    calibration.put(
        "test_ece_uncalibrated", Calibration.ece(zt, cleanTest.labels(), cleanTest.n(), 1));
    HelmetScores ts = HelmetScores.of(zt, cleanTest.labels(), cleanTest.n(), 0);
    calibration.put("test_accuracy", ts.accuracy());
    calibration.put("test_helmet_recall", ts.helmetRecall());
    calibration.put("test_bare_recall", ts.headRecall());
    // sigmoid(z / t): the last layer's weights and bias divided by t.
    for (String name : List.of("fc/w", "fc/b")) {
      float[] values = trained.get(name);
      for (int i = 0; i < values.length; i++) {
        values[i] /= (float) t;
      }
    }
    log.printf(Locale.ROOT, "helmet: calibration %s%n", calibration);
  }

  /** A fresh manifest section naming the splits the run used. */
  static ObjectNode splits(List<String> description) {
    ObjectNode calibration = new ObjectMapper().createObjectNode();
    calibration.put("splits", String.join("; ", description));
    return calibration;
  }

  /** Writes the weights into {@code outDir} with the training facts and the run's figures. */
  static void write(
      Path outDir,
      VocDataset.Split split,
      HelmetTrainer.Options o,
      Map<String, float[]> params,
      HelmetTrainer.Report r,
      ObjectNode calibration) {
    ObjectNode info = o.trainingInfo(split);
    info.setAll(calibration);
    info.put("train_crops", r.trainCrops());
    info.put("detected_train_crops", r.detectedCrops());
    info.put("validation_crops", r.validationCrops());
    info.put("validation_accuracy", r.validationAccuracy());
    info.put("validation_loss", r.validationLoss());
    try {
      new HelmetWeights(HelmetWeights.Kind.CLASSIFIER, o.inputSize(), o.margin(), params, info)
          .write(outDir);
    } catch (IOException e) {
      throw new InferenceException("Cannot write helmet weights to " + outDir + ": " + e, e);
    }
  }
}
