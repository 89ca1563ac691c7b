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
 * The helmet classifier's weights on disk: {@value #MANIFEST} (JSON: format, input size, margin,
 * parameter names and shapes, and how they were trained) beside {@value #WEIGHTS} (the parameters'
 * float32 values, little-endian, concatenated in manifest order). Immutable once built.
 *
 * @param inputSize side of the square crop in pixels
 * @param margin context margin of the crop (see {@link HeadCrop})
 * @param params values by parameter name, in {@link HelmetNet#shapes()} order
 * @param info free-form training facts kept in the manifest
 */
record HelmetWeights(int inputSize, double margin, Map<String, float[]> params, JsonNode info) {

  static final String MANIFEST = "helmet-classifier.json";
  static final String WEIGHTS = "helmet-classifier.bin";
  static final String FORMAT = "vigil-helmet-cnn-v1";

  private static final ObjectMapper JSON = new ObjectMapper();

  HelmetWeights {
    params = new LinkedHashMap<>(params);
    Map<String, long[]> shapes = HelmetNet.shapes();
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
    manifest.put("format", FORMAT);
    manifest.put("input_size", inputSize);
    manifest.put("margin", margin);
    ArrayNode list = manifest.putArray("params");
    int total = 0;
    for (Map.Entry<String, long[]> e : HelmetNet.shapes().entrySet()) {
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
    for (String name : HelmetNet.shapes().keySet()) {
      for (float f : params.get(name)) {
        bytes.putFloat(f);
      }
    }
    Files.write(dir.resolve(WEIGHTS), bytes.array());
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(MANIFEST).toFile(), manifest);
  }

  static HelmetWeights read(Path dir) {
    try (InputStream manifest = Files.newInputStream(dir.resolve(MANIFEST));
        InputStream weights = Files.newInputStream(dir.resolve(WEIGHTS))) {
      return read(manifest, weights, dir.toString());
    } catch (IOException e) {
      throw new InferenceException(
          "Cannot read helmet weights from "
              + dir
              + " (expected "
              + MANIFEST
              + " and "
              + WEIGHTS
              + "): "
              + e.getMessage(),
          e);
    }
  }

  static HelmetWeights readResource() {
    try (InputStream manifest = HelmetWeights.class.getResourceAsStream(MANIFEST);
        InputStream weights = HelmetWeights.class.getResourceAsStream(WEIGHTS)) {
      if (manifest == null || weights == null) {
        throw new InferenceException(
            "The helmet classifier's weights are not on the classpath: train them with `vigil"
                + " train helmet` (see dev/vigil/inference/helmet/README.md)");
      }
      return read(manifest, weights, "classpath");
    } catch (IOException e) {
      throw new InferenceException("Cannot read helmet weights: " + e.getMessage(), e);
    }
  }

  private static HelmetWeights read(InputStream manifestIn, InputStream weightsIn, String where)
      throws IOException {
    JsonNode manifest = JSON.readTree(manifestIn);
    if (!FORMAT.equals(manifest.path("format").asText())) {
      throw new InferenceException(
          "Helmet weights in " + where + " are not in format " + FORMAT + ": " + manifest);
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
        manifest.path("input_size").asInt(),
        manifest.path("margin").asDouble(),
        params,
        manifest.path("info"));
  }
}
