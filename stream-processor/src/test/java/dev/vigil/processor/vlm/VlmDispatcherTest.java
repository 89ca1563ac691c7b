package dev.vigil.processor.vlm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.vlm.FakeChatServer;
import dev.vigil.inference.vlm.FakeChatServer.Reply;
import dev.vigil.inference.vlm.TestImages;
import dev.vigil.inference.vlm.VlmClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The limits in front of the model, against a loopback chat-completions server. */
class VlmDispatcherTest {
  private static final byte[] FRAME = TestImages.jpeg(64, 48);
  private static final long T0 = 1_700_000_000_000L;

  private final BlockingQueue<VlmAnswer> answers = new LinkedBlockingQueue<>();
  private final AtomicLong now = new AtomicLong(T0);
  private FakeChatServer server;
  private VlmDispatcher dispatcher;

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (server != null) {
      server.close();
    }
  }

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
    dispatcher = new VlmDispatcher(c, new VlmClient(c), answers::add, Set.of(), now::get);
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
  void shouldAskACameraAtMostOncePerInterval() throws Exception {
    start(Reply.answer(true, 0.9, "r"), config("x", 1, 5, 100, 8));
    assertThat(ask("cam", "p", T0)).isEqualTo(VlmDispatcher.Offer.QUEUED);
    now.addAndGet(4_999);
    assertThat(ask("cam", "p", T0 + 1)).isEqualTo(VlmDispatcher.Offer.WAITING);
    assertThat(ask("other", "p", T0 + 1)).isEqualTo(VlmDispatcher.Offer.QUEUED);
    now.addAndGet(1);
    assertThat(ask("cam", "p", T0 + 2)).isEqualTo(VlmDispatcher.Offer.QUEUED);
  }

  @Test
  void shouldLetTheCamerasPromptsTakeTurns() throws Exception {
    start(Reply.answer(true, 0.9, "r"), config("x", 1, 0, 100, 8));
    dispatcher.frame("cam", T0, FRAME);
    VlmRequest a = new VlmRequest(VlmAnswer.ASK, "cam", "a", "m: a", "a?", null, T0, null, null);
    VlmRequest b = new VlmRequest(VlmAnswer.ASK, "cam", "b", "m: b", "b?", null, T0, null, null);
    dispatcher.offer(List.of(a, b));
    now.addAndGet(1);
    dispatcher.offer(List.of(a, b));
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
    dispatcher =
        new VlmDispatcher(c, new VlmClient(c), answers::add, Set.of(), System::currentTimeMillis);
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
