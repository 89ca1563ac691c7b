package dev.vigil.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.vigil.inference.InferenceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Converts a TensorFlow.js graph model ({@code model.json} plus its weight {@code .bin} files) into
 * a TensorFlow {@link GraphDef} that {@code Graph.importGraphDef} accepts.
 *
 * <p>The topology in {@code model.json} is already a GraphDef in protobuf JSON form; the weights
 * live outside it, in the {@code .bin} files, in manifest order. This converter fills each weight
 * into its {@code Const} node, widening float16 and affine-quantized (uint8/uint16) weights back to
 * their original dtype, and patches the few ops that TFJS renames or simplifies ({@code
 * _FusedConv2D} lacks {@code TArgs}; {@code FusedDepthwiseConv2dNative} is TF's {@code
 * _FusedDepthwiseConv2dNative}).
 *
 * <p>Stateless and thread-safe; all methods are static.
 */
public final class TfjsGraphConverter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TfjsGraphConverter() {}

  /**
   * Converts the model whose {@code model.json} is at the given path; weight files are resolved
   * relative to its folder.
   *
   * @throws InferenceException when the files cannot be read or do not form a valid model
   */
  public static GraphDef convert(Path modelJson) {
    try {
      JsonNode model = JSON.readTree(modelJson.toFile());
      Path dir = modelJson.toAbsolutePath().getParent();
      return convert(model, path -> Files.readAllBytes(dir.resolve(path)));
    } catch (IOException e) {
      throw new InferenceException("Cannot read TFJS graph model " + modelJson, e);
    }
  }

  /** Reads the bytes of one weight file named in the manifest. */
  @FunctionalInterface
  public interface WeightFiles {
    byte[] read(String path) throws IOException;
  }

  /** Converts a parsed {@code model.json}, reading weight files through {@code weightFiles}. */
  public static GraphDef convert(JsonNode model, WeightFiles weightFiles) throws IOException {
    JsonNode topology = model.get("modelTopology");
    if (topology == null || !topology.has("node")) {
      throw new InferenceException("Not a TFJS graph model: no modelTopology.node");
    }
    GraphDef.Builder graph = GraphDef.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(JSON.writeValueAsString(topology), graph);
    } catch (InvalidProtocolBufferException e) {
      throw new InferenceException("modelTopology is not a GraphDef: " + e.getMessage(), e);
    }
    Map<String, TensorProto> weights = readWeights(model.path("weightsManifest"), weightFiles);
    for (NodeDef.Builder node : graph.getNodeBuilderList()) {
      TensorProto value = weights.remove(node.getName());
      if (value != null) {
        if (!node.getOp().equals("Const")) {
          throw new InferenceException(
              "Weight " + node.getName() + " belongs to a " + node.getOp() + " node, not a Const");
        }
        node.putAttr("value", AttrValue.newBuilder().setTensor(value).build());
        node.putAttr("dtype", AttrValue.newBuilder().setType(value.getDtype()).build());
      }
      patchOp(node);
    }
    if (!weights.isEmpty()) {
      throw new InferenceException("Weights without a node: " + weights.keySet());
    }
    return graph.build();
  }

  private static void patchOp(NodeDef.Builder node) {
    if (node.getOp().equals("FusedDepthwiseConv2dNative")) {
      node.setOp("_FusedDepthwiseConv2dNative");
      // TF's op has no explicit_paddings; TFJS always writes an empty one.
      if (node.containsAttr("explicit_paddings")
          && node.getAttrOrThrow("explicit_paddings").getList().getICount() == 0) {
        node.removeAttr("explicit_paddings");
      }
    }
    // TF's _FusedConv2D and _FusedMatMul type their extra arguments with TArgs; TFJS drops it.
    // (_FusedDepthwiseConv2dNative types them with T and rejects TArgs.)
    if ((node.getOp().equals("_FusedConv2D") || node.getOp().equals("_FusedMatMul"))
        && node.containsAttr("num_args")
        && !node.containsAttr("TArgs")) {
      DataType t = node.getAttrOrThrow("T").getType();
      AttrValue.ListValue.Builder list = AttrValue.ListValue.newBuilder();
      for (long i = 0; i < node.getAttrOrThrow("num_args").getI(); i++) {
        list.addType(t);
      }
      node.putAttr("TArgs", AttrValue.newBuilder().setList(list).build());
    }
  }

  private static Map<String, TensorProto> readWeights(JsonNode manifest, WeightFiles files)
      throws IOException {
    Map<String, TensorProto> out = new HashMap<>();
    for (JsonNode group : manifest) {
      ByteArrayOutputStream concat = new ByteArrayOutputStream();
      for (JsonNode path : group.path("paths")) {
        concat.write(files.read(path.asText()));
      }
      ByteBuffer data = ByteBuffer.wrap(concat.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
      for (JsonNode w : group.path("weights")) {
        String name = w.path("name").asText();
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        long count = 1;
        for (JsonNode d : w.path("shape")) {
          shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d.asLong()));
          count *= d.asLong();
        }
        if (count > Integer.MAX_VALUE / 4) {
          throw new InferenceException("Weight " + name + " is too large: " + count);
        }
        ByteBuffer content;
        DataType dtype = dataType(name, w.path("dtype").asText());
        try {
          content = decode(name, w, (int) count, data);
        } catch (java.nio.BufferUnderflowException e) {
          throw new InferenceException(
              "Weight file ends before weight " + name + " (" + data.capacity() + " bytes)", e);
        }
        out.put(
            name,
            TensorProto.newBuilder()
                .setDtype(dtype)
                .setTensorShape(shape)
                .setTensorContent(ByteString.copyFrom(content.flip()))
                .build());
      }
      if (data.hasRemaining()) {
        throw new InferenceException(
            "Weight files have " + data.remaining() + " bytes beyond the manifest");
      }
    }
    return out;
  }

  private static DataType dataType(String name, String dtype) {
    return switch (dtype) {
      case "float32" -> DataType.DT_FLOAT;
      case "int32" -> DataType.DT_INT32;
      case "bool" -> DataType.DT_BOOL;
      default -> throw new InferenceException("Weight " + name + ": unsupported dtype " + dtype);
    };
  }

  /** Reads one weight from {@code data} and returns its TF tensor_content, little-endian. */
  private static ByteBuffer decode(String name, JsonNode w, int count, ByteBuffer data) {
    String dtype = w.path("dtype").asText();
    JsonNode q = w.get("quantization");
    int width = dtype.equals("bool") ? 1 : 4;
    ByteBuffer out = ByteBuffer.allocate(count * width).order(ByteOrder.LITTLE_ENDIAN);
    if (q == null || q.isNull()) {
      byte[] raw = new byte[count * width];
      data.get(raw);
      return out.put(raw);
    }
    String qtype = q.path("dtype").asText();
    switch (qtype) {
      case "float16" -> {
        if (!dtype.equals("float32")) {
          throw new InferenceException("Weight " + name + ": float16 quantization of " + dtype);
        }
        for (int i = 0; i < count; i++) {
          out.putFloat(halfToFloat(data.getShort()));
        }
      }
      case "uint8", "uint16" -> {
        // Affine quantization: value = min + scale * q.
        double scale = q.path("scale").asDouble();
        double min = q.path("min").asDouble();
        for (int i = 0; i < count; i++) {
          int v = qtype.equals("uint8") ? data.get() & 0xff : data.getShort() & 0xffff;
          double real = min + scale * v;
          if (dtype.equals("float32")) {
            out.putFloat((float) real);
          } else if (dtype.equals("int32")) {
            out.putInt((int) Math.round(real));
          } else {
            throw new InferenceException("Weight " + name + ": " + qtype + " quantized " + dtype);
          }
        }
      }
      default ->
          throw new InferenceException("Weight " + name + ": unsupported quantization " + qtype);
    }
    return out;
  }

  /** Widens an IEEE 754 binary16 value (as its raw bits) to float, exactly. */
  public static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      // Inf or NaN; keep the payload.
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // Subnormal: mant * 2^-24, exact in float.
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}
