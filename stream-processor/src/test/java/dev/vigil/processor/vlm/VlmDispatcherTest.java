package dev.vigil.processor.vlm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.vlm.FakeChatServer;
import dev.vigil.inference.vlm.FakeChatServer.Reply;
import dev.vigil.inference.vlm.TestImages;
import dev.vigil.inference.vlm.VlmClient;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The limits in front of the model, against a loopback chat-completions server. */
class VlmDispatcherTest {
  private static final byte[] FRAME = TestImages.jpeg(64, 48);
  private static final long T0 = 1_700_000_000_000L;

  private final BlockingQueue<VlmAnswer> answers = new LinkedBlockingQueue<>();
  private final AtomicLong now = new AtomicLong(T0);
  @AutoClose private FakeChatServer server;
  @AutoClose private VlmDispatcher dispatcher;

  private static SiteConfig.Vlm config(
      String url, int concurrent, double intervalS, int budget, int queue) {
    return new SiteConfig.Vlm(
        url, "m", null, null, 5, concurrent, intervalS, budget, 64, 80, queue);
  }

  private void start(Reply reply, SiteConfig.Vlm config) throws Exception {
    server = FakeChatServer.start(reply);
    SiteConfig.Vlm c =
        new SiteConfig.Vlm(
            server.baseUrl(),
            config.model(),
            null,
            null,
            config.timeoutS(),
            config.maxConcurrent(),
            config.minIntervalS(),
            config.dailyBudget(),
            config.imagePx(),
            config.jpegQuality(),
            config.queueSize());
    dispatcher = new VlmDispatcher(c, new VlmClient(c), answers::add, now::get);
  }

  private VlmDispatcher.Offer ask(String camera, String prompt, long frameTime) {
    dispatcher.frame(camera, frameTime, FRAME);
    return dispatcher.offer(
        List.of(
            new VlmRequest(
                VlmAnswer.ASK, camera, prompt, "m: q", "q?", null, frameTime, null, null)));
  }

  private VlmAnswer next() throws InterruptedException {
    VlmAnswer a = answers.poll(10, TimeUnit.SECONDS);
    assertThat(a).as("an answer").isNotNull();
    return a;
  }

  @Test
  void shouldAskACameraAtMostOncePerIntervalOfItsOwnTime() throws Exception {
    start(Reply.answer(true, 0.9, "r"), config("x", 1, 5, 100, 8));
    assertThat(ask("cam", "p", T0)).isEqualTo(VlmDispatcher.Offer.QUEUED);
    // A lagging camera: 10 s pass on the processor's clock, 4.999 s on the camera's.
    now.addAndGet(10_000);
    assertThat(ask("cam", "p", T0 + 4_999)).isEqualTo(VlmDispatcher.Offer.WAITING);
    assertThat(ask("other", "p", T0 + 4_999)).isEqualTo(VlmDispatcher.Offer.QUEUED);
    // A catch-up after an outage: 5 s of the camera's frames arrive at once.
    assertThat(ask("cam", "p", T0 + 5_000)).isEqualTo(VlmDispatcher.Offer.QUEUED);
    assertThat(ask("cam", "p", T0 + 9_999)).isEqualTo(VlmDispatcher.Offer.WAITING);
    assertThat(ask("cam", "p", T0 + 10_000)).isEqualTo(VlmDispatcher.Offer.QUEUED);
  }

  @Test
  void shouldAskAboutTheSameFramesOnAReplayAndCallNoMore() throws Exception {
    start(Reply.answer(true, 0.9, "r"), config("x", 1, 5, 100, 8));
    // What the first run asked, read back from vigil.vlm-answers: frames 0 s and 5 s.
    dispatcher.read(TestAnswers.yes("cam", "p", "m: q", T0));
    dispatcher.read(TestAnswers.yes("cam", "p", "m: q", T0 + 5_000));
    List<VlmDispatcher.Offer> replay = new java.util.ArrayList<>();
    for (long t = T0; t <= T0 + 7_000; t += 1_000) {
      replay.add(ask("cam", "p", t));
    }
    assertThat(replay)
        .containsExactly(
            VlmDispatcher.Offer.RECORDED,
            VlmDispatcher.Offer.WAITING,
            VlmDispatcher.Offer.WAITING,
            VlmDispatcher.Offer.WAITING,
            VlmDispatcher.Offer.WAITING,
            VlmDispatcher.Offer.RECORDED,
            VlmDispatcher.Offer.WAITING,
            VlmDispatcher.Offer.WAITING);
    assertThat(dispatcher.metrics().skipped("recorded")).isEqualTo(2);
    // The first frame 5 s past the last recorded one is the first the model is asked about.
    assertThat(ask("cam", "p", T0 + 10_000)).isEqualTo(VlmDispatcher.Offer.QUEUED);
    assertThat(next().frameTime()).isEqualTo(T0 + 10_000);
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void shouldTakeTheModelStatusFromTheAnswersReadBack() throws Exception {
    start(Reply.answer(true, 0.9, "r"), config("x", 1, 0, 100, 8));
    assertThat(dispatcher.health("p")).isEqualTo("ok");
    // Another instance's call, refused: known here once read back.
    dispatcher.read(TestAnswers.failed("far", "p", T0, "unauthorized", "401 invalid_api_key"));
    assertThat(dispatcher.health("p"))
        .isEqualTo("model unreachable: 401 invalid_api_key (camera far)");
  }

  @Test
  void shouldLetTheCamerasPromptsTakeTurns() throws Exception {
    start(Reply.answer(true, 0.9, "r"), config("x", 1, 0, 100, 8));
    for (long t = T0; t <= T0 + 1; t++) {
      dispatcher.frame("cam", t, FRAME);
      dispatcher.offer(
          List.of(
              new VlmRequest(VlmAnswer.ASK, "cam", "a", "m: a", "a?", null, t, null, null),
              new VlmRequest(VlmAnswer.ASK, "cam", "b", "m: b", "b?", null, t, null, null)));
    }
    assertThat(List.of(next().promptId(), next().promptId())).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void shouldStopAtTheDailyBudgetAndStartAgainNextDay() throws Exception {
    start(Reply.answer(true, 0.9, "r"), config("x", 1, 0, 2, 8));
    assertThat(ask("c", "p", T0)).isEqualTo(VlmDispatcher.Offer.QUEUED);
    assertThat(ask("c", "p", T0 + 1)).isEqualTo(VlmDispatcher.Offer.QUEUED);
    assertThat(ask("c", "p", T0 + 2)).isEqualTo(VlmDispatcher.Offer.OVER_BUDGET);
    assertThat(dispatcher.metrics().skipped("budget")).isEqualTo(1);
    assertThat(dispatcher.metrics().budgetLeft()).isZero();
    now.addAndGet(86_400_000);
    assertThat(ask("c", "p", T0 + 3)).isEqualTo(VlmDispatcher.Offer.QUEUED);
  }

  @Test
  void shouldDropTheOldestRequestWhenTheQueueIsFull() throws Exception {
    // One call at a time, 1.5 s each, one waiting place: the call in flight holds the first
    // request, the second waits, the third pushes the second out.
    start(Reply.answer(true, 0.9, "r").delayed(1_500), config("x", 1, 0, 100, 1));
    ask("c1", "p", T0);
    while (server.requests().isEmpty()) {
      Thread.sleep(10);
    }
    ask("c2", "p", T0);
    ask("c3", "p", T0);
    assertThat(dispatcher.metrics().skipped("queue_full")).isEqualTo(1);
    assertThat(next().camera()).isEqualTo("c1");
    assertThat(next().camera()).as("the newest request, not the dropped one").isEqualTo("c3");
  }

  @Test
  void shouldPauseCallsForRetryAfterOn429() throws Exception {
    server =
        FakeChatServer.start(
            Reply.error(429, "requests", "rate_limit_exceeded", "Rate limit reached")
                .withHeader("Retry-After", "1"));
    SiteConfig.Vlm c = config(server.baseUrl(), 1, 0, 100, 8);
    // The wall clock here: the pause is measured on the server's side.
    dispatcher = new VlmDispatcher(c, new VlmClient(c), answers::add, System::currentTimeMillis);
    ask("c", "p", T0);
    VlmAnswer limited = next();
    assertThat(limited.verdict()).isEqualTo(VlmAnswer.UNKNOWN);
    assertThat(limited.error()).isEqualTo("rate_limited");
    assertThat(dispatcher.metrics().calls("rate_limited")).isEqualTo(1);

    server.reply(Reply.answer(false, 0.9, "clear"));
    ask("c", "p", T0 + 1);
    assertThat(next().verdict()).isEqualTo(VlmAnswer.NO);
    List<FakeChatServer.Request> r = server.requests();
    assertThat(r.get(1).receivedAtMs() - r.get(0).receivedAtMs())
        .as("the second call waited out Retry-After: 1")
        .isGreaterThanOrEqualTo(1_000);
  }

  @Test
  void shouldCountTokensLatencyAndOutcomes() throws Exception {
    start(Reply.answer(true, 0.9, "r"), config("x", 2, 0, 100, 8));
    ask("c", "p", T0);
    next();
    VlmMetrics m = dispatcher.metrics();
    assertThat(m.calls("yes")).isEqualTo(1);
    assertThat(m.tokens("prompt")).isEqualTo(812);
    assertThat(m.tokens("completion")).isEqualTo(31);
    assertThat(m.latencyCount()).isEqualTo(1);
    assertThat(m.budgetLeft()).isEqualTo(99);
  }
}
