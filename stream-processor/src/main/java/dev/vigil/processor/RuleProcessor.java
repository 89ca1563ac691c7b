package dev.vigil.processor;

import dev.vigil.config.Observation;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.Scene;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.rules.CameraClock;
import dev.vigil.processor.rules.RuleState;
import dev.vigil.processor.vlm.VlmDispatcher;
import dev.vigil.processor.vlm.VlmRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Answers every standing prompt on every observation and applies the temporal rules, keeping one
 * {@link RuleState} per camera x prompt in a state store. Emits the observation with its answers,
 * violation lifecycle events keyed {@code camera/prompt}, the compiled form or refusal of each
 * prompt to {@code vigil.prompt-status}, and each camera's availability to {@code
 * vigil.camera-status}.
 *
 * <p>Time is per camera ({@link CameraClock}): a camera's rules advance on its own timestamps, and
 * while it is silent on its last timestamp moved on by the wall clock. A camera silent for its
 * {@code offline_after_s} goes offline: its open violations resolve with reason {@code
 * camera_offline} and its rules start fresh when it returns.
 *
 * <p>Prompts answered by the multimodal model step the same rules on the model's answers, which
 * arrive as {@link VlmAnswer} records of {@code vigil.vlm-answers}: on a frame the rules only ask
 * (through {@link VlmDispatcher}, which never blocks) while the prompt's gate holds, and count the
 * prompt as false while it does not. An unknown answer steps nothing: it is neither yes nor no.
 *
 * <p>This class only wires the parts to the Kafka Streams context: {@link CompiledRules}, {@link
 * PerPersonRules} and {@link ModelAnswers} step the rules of each kind of prompt, {@link
 * EpisodeCloser} ends rules whose prompt or camera went away, {@link CameraWatch} keeps the camera
 * clocks, {@link ViolationOutput} publishes events (through the {@link AlertVerifier}), and {@link
 * PromptStatusReport} reports the prompts. All state across records lives in the state stores.
 */
final class RuleProcessor implements Processor<String, Object, String, Object> {
  static final String NAME = "rules";
  static final String VIOLATIONS_SINK = "violations-sink";
  static final String OBSERVATIONS_SINK = "observations-sink";
  static final String PROMPT_STATUS_SINK = "prompt-status-sink";
  static final String CAMERA_STATUS_SINK = "camera-status-sink";
  static final Duration PUNCTUATE_EVERY = Duration.ofSeconds(1);

  /**
   * A camera silent this long (wall clock) has its rules advanced by the punctuator; one that sends
   * faster advances them with its own frames, so live and replayed clips give the same events.
   */
  static final long QUIET_MS = 2_000;

  private final Map<String, SiteConfig.Camera> cameras;
  private final VigilMetrics metrics;
  private final VlmDispatcher vlm;
  private final PromptCatalog catalog;
  private ProcessorContext<String, Object> context;
  private ActivePrompts prompts;
  private ViolationOutput violations;
  private EpisodeCloser closer;
  private CameraWatch watch;
  private CompiledRules compiledRules;
  private PerPersonRules perPersonRules;
  private ModelAnswers modelAnswers;
  private PromptStatusReport statusReport;

  RuleProcessor(Map<String, SiteConfig.Camera> cameras, VigilMetrics metrics) {
    this(cameras, metrics, null);
  }

  /**
   * @param vlm asks the multimodal model, or null when the site has none (prompts outside the
   *     language are then rejected)
   */
  RuleProcessor(Map<String, SiteConfig.Camera> cameras, VigilMetrics metrics, VlmDispatcher vlm) {
    this.cameras = cameras;
    this.metrics = metrics;
    this.vlm = vlm;
    this.catalog = new PromptCatalog(vlm == null ? null : vlm.model());
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    RuleStates states = new RuleStates(context.getStateStore(VigilTopology.RULE_STATE_STORE));
    this.prompts = new ActivePrompts(context.getStateStore(VigilTopology.PROMPTS_STORE), catalog);
    this.violations = new ViolationOutput(context, vlm, cameras);
    this.closer = new EpisodeCloser(states, prompts, violations);
    this.watch = new CameraWatch(context, cameras, metrics, closer);
    RuleStepper stepper = new RuleStepper(states, closer, violations);
    this.compiledRules = new CompiledRules(stepper);
    this.perPersonRules = new PerPersonRules(stepper);
    this.modelAnswers = new ModelAnswers(stepper, prompts, vlm, cameras);
    this.statusReport = new PromptStatusReport(context, prompts, vlm);
    // Wall clock, not stream time: prompt changes and silent cameras must be acted on even when
    // nothing arrives, and one camera's timestamps must never move another's rules.
    context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::tick);
    // Every task sees the same global prompts; one task reports their status.
    if (context.taskId().partition() == 0) {
      context.schedule(
          PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, t -> statusReport.report());
    }
  }

  @Override
  public void process(Record<String, Object> record) {
    long t0 = System.nanoTime();
    if (record.value() instanceof VlmAnswer a) {
      modelAnswers.answered(record.key(), a, record.timestamp());
    } else {
      answer(record.withValue((Observation) record.value()));
    }
    metrics.stage("rules", (System.nanoTime() - t0) / 1e9);
  }

  /** Answers every running prompt that applies to the observation's camera, by kind of prompt. */
  private void answer(Record<String, Observation> record) {
    Observation obs = record.value();
    String camera = record.key();
    long ts = record.timestamp();
    watch.arrived(camera, ts);
    Scene scene = new Scene(camera, ts, obs.people(), obs.audio());
    double calibration = calibrationDb(camera);
    Map<String, Observation.PromptAnswer> answers = new TreeMap<>();
    List<VlmRequest> ask = new ArrayList<>();
    for (PromptCatalog.Entry prompt : prompts.running()) {
      if (!prompt.spec().appliesTo(camera)) {
        continue;
      }
      Observation.PromptAnswer answer;
      if (prompt.vlm() != null) {
        answer = modelAnswers.ask(camera, prompt, obs, ts, ask);
      } else if (prompt.compiled().perPerson()) {
        answer = perPersonRules.answer(camera, prompt, scene, calibration, ts);
      } else {
        answer = compiledRules.answer(camera, prompt, scene, calibration, ts);
      }
      answers.put(prompt.id(), answer);
    }
    if (!ask.isEmpty()) {
      vlm.offer(ask);
    }
    context.forward(record.withValue((Object) obs.withAnswers(answers)), OBSERVATIONS_SINK);
  }

  /** Wall-clock housekeeping, every second. */
  private void tick(long now) {
    closer.retireStaleRules();
    violations.expire(now);
    watch.tick(now);
  }

  private double calibrationDb(String camera) {
    SiteConfig.Camera c = cameras.get(camera);
    return c == null ? 0 : c.audioCalibrationDb();
  }
}
