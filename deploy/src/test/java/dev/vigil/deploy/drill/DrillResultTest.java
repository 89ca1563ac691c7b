package dev.vigil.deploy.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Json;
import org.junit.jupiter.api.Test;

class DrillResultTest {
  @Test
  void shouldWriteTheKeysReliabilityMdDocumentsInTheirOrderWhenWrittenAsJson() {
    DrillResult r = new DrillResult("broker-kill", 4, 5, 1, 2, 900, 1_200, 3, 1, false, "cut");

    assertThat(Json.toString(r))
        .isEqualTo(
            "{\"name\":\"broker-kill\",\"expected\":4,\"delivered\":5,\"lost\":1,"
                + "\"duplicate_ids\":2,\"max_delay_ms\":900,\"gap_ms\":1200,\"unexpected\":3,"
                + "\"shifted\":1,\"ok\":false,\"note\":\"cut\"}");
  }
}
