package dev.vigil.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON mapping of Vigil's records: snake_case field names, nulls kept, unknown fields
 * ignored so that newer producers do not break older consumers. The mapper is thread-safe.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.ALWAYS)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static byte[] toBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new VigilConfigException("cannot write JSON for " + value.getClass().getName(), e);
    }
  }

  /**
   * {@code value}'s fields by the names {@link #toBytes} gives them, in the order it writes them: a
   * record's components, snake_case, in declaration order.
   */
  public static <V> Map<String, V> fields(Object value, Class<V> valueType) {
    return MAPPER.convertValue(
        value,
        MAPPER.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, valueType));
  }

  public static String toString(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new VigilConfigException("cannot write JSON for " + value.getClass().getName(), e);
    }
  }

  /**
   * Reads JSON into {@code type}.
   *
   * @throws UncheckedIOException when the bytes are not valid JSON of that type
   */
  public static <T> T fromBytes(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new UncheckedIOException("not a valid " + type.getSimpleName() + " JSON", e);
    }
  }
}
