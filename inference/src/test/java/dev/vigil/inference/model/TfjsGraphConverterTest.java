package dev.vigil.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.inference.InferenceException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Converts a tiny TFJS graph model written by the test itself, with outputs worked out by hand, and
 * runs it in TensorFlow.
 */
class TfjsGraphConverterTest {

  // Base64 of the strings TFJS writes for attrs: "SAME", "NHWC", "BiasAdd", "Relu", "Relu6".
  private static final String SAME = "U0FNRQ==";
  private static final String NHWC = "TkhXQw==";
  private static final String BIAS_ADD = "Qmlhc0FkZA==";
  private static final String RELU = "UmVsdQ==";
  private static final String RELU6 = "UmVsdTY=";

  private static final String MODEL_JSON =
      """
      {
        "format": "graph-model",
        "modelTopology": {
          "node": [
            {"name": "x", "op": "Placeholder", "attr": {
              "dtype": {"type": "DT_FLOAT"},
              "shape": {"shape": {"dim": [{"size": "1"}, {"size": "2"}, {"size": "2"}, {"size": "1"}]}}}},
            %s,
            {"name": "conv", "op": "_FusedConv2D", "input": ["x", "conv/w", "conv/b"], "attr": {
              "T": {"type": "DT_FLOAT"}, "num_args": {"i": "1"}, "epsilon": {"f": 0},
              "strides": {"list": {"i": ["1", "1", "1", "1"]}},
              "dilations": {"list": {"i": ["1", "1", "1", "1"]}},
              "padding": {"s": "%s"}, "data_format": {"s": "%s"},
              "explicit_paddings": {"list": {}}, "use_cudnn_on_gpu": {"b": true},
              "fused_ops": {"list": {"s": ["%s", "%s"]}}}},
            {"name": "dw", "op": "FusedDepthwiseConv2dNative", "input": ["x", "dw/w", "dw/b"],
             "attr": {
              "T": {"type": "DT_FLOAT"}, "num_args": {"i": "1"},
              "strides": {"list": {"i": ["1", "1", "1", "1"]}},
              "dilations": {"list": {"i": ["1", "1", "1", "1"]}},
              "padding": {"s": "%s"}, "data_format": {"s": "%s"},
              "explicit_paddings": {"list": {}},
              "fused_ops": {"list": {"s": ["%s", "%s"]}}}},
            {"name": "halfs_out", "op": "Identity", "input": ["halfs"],
             "attr": {"T": {"type": "DT_FLOAT"}}},
            {"name": "ints_out", "op": "Identity", "input": ["ints"],
             "attr": {"T": {"type": "DT_INT32"}}},
            {"name": "q_out", "op": "Identity", "input": ["q"],
             "attr": {"T": {"type": "DT_FLOAT"}}}
          ],
          "library": {},
          "versions": {"producer": 808}
        },
        "weightsManifest": [{
          "paths": ["group1-shard1of2.bin", "group1-shard2of2.bin"],
          "weights": [
            {"name": "conv/w", "shape": [1, 1, 1, 1], "dtype": "float32",
             "quantization": {"dtype": "float16", "original_dtype": "float32"}},
            {"name": "conv/b", "shape": [1], "dtype": "float32"},
            {"name": "dw/w", "shape": [1, 1, 1, 1], "dtype": "float32",
             "quantization": {"dtype": "float16", "original_dtype": "float32"}},
            {"name": "dw/b", "shape": [1], "dtype": "float32",
             "quantization": {"dtype": "float16", "original_dtype": "float32"}},
            {"name": "halfs", "shape": [7], "dtype": "float32",
             "quantization": {"dtype": "float16", "original_dtype": "float32"}},
            {"name": "ints", "shape": [2], "dtype": "int32"},
            {"name": "q", "shape": [3], "dtype": "float32",
             "quantization": {"dtype": "uint8", "min": -1.0, "scale": 0.5,
                              "original_dtype": "float32"}}
          ]
        }]
      }
      """
          .formatted(
              consts("conv/w", "conv/b", "dw/w", "dw/b", "halfs", "ints", "q"),
              SAME,
              NHWC,
              BIAS_ADD,
              RELU,
              SAME,
              NHWC,
              BIAS_ADD,
              RELU6);

  // IEEE binary16 bit patterns and their exact float32 values.
  private static final short[] HALF_BITS = {
    0x3C00, (short) 0xC100, 0x7BFF, 0x0001, 0x03FF, (short) 0x8000, 0x0400
  };
  private static final float[] HALF_VALUES = {
    1.0f, -2.5f, 65504f, 0x1p-24f, 1023 * 0x1p-24f, -0.0f, 0x1p-14f
  };

  private static String consts(String... names) {
    StringBuilder s = new StringBuilder();
    for (String name : names) {
      String type = name.equals("ints") ? "DT_INT32" : "DT_FLOAT";
      if (s.length() > 0) {
        s.append(",\n");
      }
      // As TFJS writes them: a Const whose value carries dtype and shape but no content.
      s.append(
          """
          {"name": "%s", "op": "Const", "attr": {
            "value": {"tensor": {"dtype": "%s", "tensorShape": {}}}, "dtype": {"type": "%s"}}}"""
              .formatted(name, type, type));
    }
    return s.toString();
  }

  private static byte[] weights() {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0xC100); // conv/w = -2.5 (float16)
    b.putFloat(1.0f); // conv/b = 1.0 (float32)
    b.putShort((short) 0x4200); // dw/w = 3.0 (float16)
    b.putShort((short) 0x3800); // dw/b = 0.5 (float16)
    for (short h : HALF_BITS) {
      b.putShort(h);
    }
    b.putInt(7).putInt(-3); // ints
    b.put((byte) 0).put((byte) 3).put((byte) 255); // q: -1 + 0.5 * q
    return Arrays.copyOf(b.array(), b.position());
  }

  private static Path writeModel(Path dir, byte[] weights) throws IOException {
    // Split the weights across two shards at an odd offset: they are one stream in manifest order.
    Files.write(dir.resolve("group1-shard1of2.bin"), Arrays.copyOfRange(weights, 0, 5));
    Files.write(
        dir.resolve("group1-shard2of2.bin"), Arrays.copyOfRange(weights, 5, weights.length));
    Path json = dir.resolve("model.json");
    Files.writeString(json, MODEL_JSON, StandardCharsets.UTF_8);
    return json;
  }

  @Test
  void shouldComputeHandWorkedOutputsWhenConvertedGraphRuns(@TempDir Path dir) throws IOException {
    GraphDef graphDef = TfjsGraphConverter.convert(writeModel(dir, weights()));

    try (Graph graph = new Graph()) {
      graph.importGraphDef(graphDef);
      try (Session session = new Session(graph);
          TFloat32 x = TFloat32.tensorOf(Shape.of(1, 2, 2, 1), DataBuffers.of(1f, -1f, 2f, 0.5f));
          Result result =
              session
                  .runner()
                  .feed("x", x)
                  .fetch("conv")
                  .fetch("dw")
                  .fetch("halfs_out")
                  .fetch("ints_out")
                  .fetch("q_out")
                  .run()) {
        // conv: relu(x * -2.5 + 1) = relu(-1.5, 3.5, -4, -0.25)
        assertThat(floats(result.get(0))).containsExactly(0f, 3.5f, 0f, 0f);
        // dw: relu6(x * 3 + 0.5) = relu6(3.5, -2.5, 6.5, 2)
        assertThat(floats(result.get(1))).containsExactly(3.5f, 0f, 6f, 2f);
        assertThat(floats(result.get(2))).containsExactly(HALF_VALUES);
        assertThat(Float.floatToRawIntBits(floats(result.get(2))[5]))
            .as("negative zero keeps its sign")
            .isEqualTo(Float.floatToRawIntBits(-0.0f));
        TInt32 ints = (TInt32) result.get(3);
        assertThat(new int[] {ints.getInt(0), ints.getInt(1)}).containsExactly(7, -3);
        assertThat(floats(result.get(4))).containsExactly(-1f, 0.5f, 126.5f);
      }
    }
  }

  @Test
  void shouldPatchFusedOpsWhenConverting(@TempDir Path dir) throws IOException {
    GraphDef graphDef = TfjsGraphConverter.convert(writeModel(dir, weights()));

    NodeDef conv = node(graphDef, "conv");
    assertThat(conv.getAttrOrThrow("TArgs").getList().getTypeCount()).isEqualTo(1);
    NodeDef dw = node(graphDef, "dw");
    assertThat(dw.getOp()).isEqualTo("_FusedDepthwiseConv2dNative");
    assertThat(dw.containsAttr("TArgs")).isFalse();
    assertThat(node(graphDef, "halfs").getAttrOrThrow("value").getTensor().getTensorContent())
        .hasSize(7 * 4);
  }

  @Test
  void shouldWidenFloat16ExactlyWhenGivenEdgeValues() {
    for (int i = 0; i < HALF_BITS.length; i++) {
      assertThat(TfjsGraphConverter.halfToFloat(HALF_BITS[i]))
          .as("0x%04x", HALF_BITS[i] & 0xffff)
          .isEqualTo(HALF_VALUES[i]);
    }
    assertThat(TfjsGraphConverter.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(TfjsGraphConverter.halfToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(TfjsGraphConverter.halfToFloat((short) 0x7E00)).isNaN();
    assertThat(TfjsGraphConverter.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
  }

  @Test
  void shouldFailClearlyWhenWeightFilesAreShort(@TempDir Path dir) throws IOException {
    byte[] all = weights();
    Path json = writeModel(dir, Arrays.copyOf(all, all.length - 2));

    assertThatThrownBy(() -> TfjsGraphConverter.convert(json))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("before weight q");
  }

  private static float[] floats(org.tensorflow.Tensor t) {
    TFloat32 f = (TFloat32) t;
    float[] out = new float[(int) f.size()];
    f.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  private static NodeDef node(GraphDef graphDef, String name) {
    return graphDef.getNodeList().stream()
        .filter(n -> n.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
