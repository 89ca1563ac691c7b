package dev.vigil.processor.vlm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.inference.vlm.VlmReply;
import org.junit.jupiter.api.Test;

/** A prompt's model status, decided from the answers of every instance. */
class ModelHealthTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final String REFUSED = "401 invalid_api_key: Incorrect API key provided";

  @Test
  void shouldSayUnreachableWhileAnyCamerasLastCallFailed() {
    ModelHealth health = new ModelHealth();
    assertThat(health.status("exit")).as("never called").isEqualTo(ModelHealth.OK);
    health.note(TestAnswers.failed("dock-2", "exit", T0, VlmReply.UNAUTHORIZED, REFUSED));
    // Another camera, on an instance whose key works, does not hide the failure.
    health.note(TestAnswers.yes("dock-1", "exit", "m: q", T0 + 1));
    assertThat(health.status("exit"))
        .isEqualTo("model unreachable: " + REFUSED + " (camera dock-2)");
    assertThat(health.status("other")).isEqualTo(ModelHealth.OK);

    health.note(TestAnswers.yes("dock-2", "exit", "m: q", T0 + 2));
    assertThat(health.status("exit"))
        .as("the failing camera's next call got through")
        .isEqualTo("ok");
  }

  @Test
  void shouldNotCountAnAnswerTheModelGaveBadlyAsUnreachable() {
    ModelHealth health = new ModelHealth();
    health.note(TestAnswers.failed("c", "exit", T0, VlmReply.PROSE, "not JSON"));
    health.note(TestAnswers.failed("d", "exit", T0, VlmReply.TIMEOUT, "no answer in 5 s"));
    assertThat(health.status("exit")).isEqualTo(ModelHealth.OK);
  }

  @Test
  void shouldGiveTheSameStatusWhateverOrderCamerasAreReadIn() {
    ModelHealth one = new ModelHealth();
    ModelHealth two = new ModelHealth();
    var a = TestAnswers.failed("a", "exit", T0, VlmReply.UNREACHABLE, "connection refused");
    var b = TestAnswers.failed("b", "exit", T0, VlmReply.UNAUTHORIZED, REFUSED);
    one.note(a);
    one.note(b);
    two.note(b);
    two.note(a);
    assertThat(one.status("exit"))
        .isEqualTo(two.status("exit"))
        .isEqualTo("model unreachable: connection refused (camera a and 1 more)");
  }
}
