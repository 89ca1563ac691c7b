package dev.vigil.inference.helmet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.inference.InferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights of the helmet classifier (or the head detector) on disk: {@code <base>.json} (JSON:
 * format, input size, margin, parameter names and shapes, and how they were trained) beside {@code
 * <base>.bin} (the parameters' float32 values, little-endian, concatenated in manifest order).
 *
 * @param kind which network
 * @param inputSize side of the square input in pixels
 * @param margin context margin of the crop (see {@link HeadCrop})
 * @param params values by parameter name, in {@link HelmetNet#shapes()} order
 * @param info free-form training facts kept in the manifest
 */
record HelmetWeights(
    Kind kind, int inputSize, double margin, Map<String, float[]> params, JsonNode info) {

  /** The two networks stored this way, each with its own file names and format tag. */
  enum Kind {
    CLASSIFIER("helmet-classifier", "vigil-helmet-cnn-v1"),
    DETECTOR("head-detector", "vigil-head-detector-v4");

    final String manifest;
    final String weights;
    final String format;

    Kind(String base, String format) {
      this.manifest = base + ".json";
      this.weights = base + ".bin";
      this.format = format;
    }

    Map<String, long[]> shapes() {
      return this == CLASSIFIER ? HelmetNet.shapes() : HeadNet.shapes();
    }
  }

  static final String MANIFEST = Kind.CLASSIFIER.manifest;
  static final String WEIGHTS = Kind.CLASSIFIER.weights;

  private static final ObjectMapper JSON = new ObjectMapper();

  HelmetWeights {
    params = new LinkedHashMap<>(params);
    Map<String, long[]> shapes = kind.shapes();
    if (!params.keySet().equals(shapes.keySet())) {
      throw new InferenceException(
          "Helmet weights hold " + params.keySet() + " but the network needs " + shapes.keySet());
    }
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      if (params.get(e.getKey()).length != HelmetNet.count(e.getValue())) {
        throw new InferenceException(
            "Helmet weight " + e.getKey() + " must have shape " + Arrays.toString(e.getValue()));
      }
    }
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("format", kind.format);
    manifest.put("input_size", inputSize);
    manifest.put("margin", margin);
    ArrayNode list = manifest.putArray("params");
    int total = 0;
    for (Map.Entry<String, long[]> e : kind.shapes().entrySet()) {
      ObjectNode p = list.addObject();
      p.put("name", e.getKey());
      ArrayNode shape = p.putArray("shape");
      for (long d : e.getValue()) {
        shape.add(d);
      }
      total += params.get(e.getKey()).length;
    }
    manifest.set("info", info == null ? JSON.createObjectNode() : info);
    ByteBuffer bytes = ByteBuffer.allocate(total * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (String name : kind.shapes().keySet()) {
      for (float f : params.get(name)) {
        bytes.putFloat(f);
      }
    }
    Files.write(dir.resolve(kind.weights), bytes.array());
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(kind.manifest).toFile(), manifest);
  }

  static HelmetWeights read(Kind kind, Path dir) {
    try (InputStream manifest = Files.newInputStream(dir.resolve(kind.manifest));
        InputStream weights = Files.newInputStream(dir.resolve(kind.weights))) {
      return read(kind, manifest, weights, dir.toString());
    } catch (IOException e) {
      throw new InferenceException(
          "Cannot read "
              + (kind == Kind.DETECTOR ? "head detector" : "helmet classifier")
              + " weights from "
              + dir
              + " (expected "
              + kind.manifest
              + " and "
              + kind.weights
              + "): "
              + e.getMessage(),
          e);
    }
  }

  static HelmetWeights readResource(Kind kind) {
    try (InputStream manifest = HelmetWeights.class.getResourceAsStream(kind.manifest);
        InputStream weights = HelmetWeights.class.getResourceAsStream(kind.weights)) {
      if (manifest == null || weights == null) {
        throw new InferenceException(
            "The weights "
                + kind.manifest
                + " are not on the classpath: train them with `vigil train` (see"
                + " dev/vigil/inference/helmet/README.md)");
      }
      return read(kind, manifest, weights, "classpath");
    } catch (IOException e) {
      throw new InferenceException("Cannot read helmet weights: " + e.getMessage(), e);
    }
  }

  private static HelmetWeights read(
      Kind kind, InputStream manifestIn, InputStream weightsIn, String where) throws IOException {
    JsonNode manifest = JSON.readTree(manifestIn);
    if (!kind.format.equals(manifest.path("format").asText())) {
      throw new InferenceException(
          "Weights in "
              + where
              + " are in format '"
              + manifest.path("format").asText()
              + "', but this version of vigil reads '"
              + kind.format
              + "': train them again with `vigil train "
              + (kind == Kind.DETECTOR ? "heads" : "helmet")
              + "` (see dev/vigil/inference/helmet/README.md)");
    }
    ByteBuffer bytes = ByteBuffer.wrap(weightsIn.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, float[]> params = new LinkedHashMap<>();
    for (JsonNode p : manifest.path("params")) {
      long n = 1;
      for (JsonNode d : p.path("shape")) {
        n *= d.asLong();
      }
      if (bytes.remaining() < n * 4) {
        throw new InferenceException("Helmet weights in " + where + " are truncated");
      }
      float[] v = new float[(int) n];
      bytes.asFloatBuffer().get(v);
      bytes.position(bytes.position() + v.length * 4);
      params.put(p.path("name").asText(), v);
    }
    if (bytes.hasRemaining()) {
      throw new InferenceException("Helmet weights in " + where + " have trailing bytes");
    }
    return new HelmetWeights(
        kind,
        manifest.path("input_size").asInt(),
        manifest.path("margin").asDouble(),
        params,
        manifest.path("info"));
  }
}
