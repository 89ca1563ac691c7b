package dev.vigil.processor;

import dev.vigil.config.CameraStatus;
import dev.vigil.config.HelmetCounts;
import dev.vigil.config.Observation;
import dev.vigil.config.Person;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.Scene;
import dev.vigil.inference.prompt.CompiledPrompt;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.rules.CameraClock;
import dev.vigil.processor.rules.RuleSettings;
import dev.vigil.processor.rules.RuleState;
import dev.vigil.processor.rules.TemporalRule;
import dev.vigil.processor.vlm.VlmDispatcher;
import dev.vigil.processor.vlm.VlmRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

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

  /** Separates the prompt id from the track id in the state keys of per-person rules. */
  static final char TRACK_SEPARATOR = '#';

  private final Map<String, SiteConfig.Camera> cameras;
  private final VigilMetrics metrics;
  private final VlmDispatcher vlm;
  private final PromptCatalog catalog;
  private final Map<String, Map<String, Object>> statusSent = new HashMap<>();
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, RuleState> ruleStates;
  private KeyValueStore<String, byte[]> prompts;
  private KeyValueStore<String, CameraClock> clocks;
  private AlertVerifier verifier;
  private long startedAt;

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
    this.ruleStates = context.getStateStore(VigilTopology.RULE_STATE_STORE);
    this.prompts = context.getStateStore(VigilTopology.PROMPTS_STORE);
    this.clocks = context.getStateStore(VigilTopology.CAMERA_CLOCK_STORE);
    if (vlm != null) {
      this.verifier =
          new AlertVerifier(
              context.getStateStore(VigilTopology.PENDING_ALERTS_STORE),
              vlm,
              cameras,
              vlm.timeoutMs() + AlertVerifier.GRACE_MS,
              (v, ts) -> publish(v.camera(), v.prompt().id(), v, ts));
    }
    this.startedAt = context.currentSystemTimeMs();
    // Wall clock, not stream time: prompt changes and silent cameras must be acted on even when
    // nothing arrives, and one camera's timestamps must never move another's rules.
    context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::tick);
    // Every task sees the same global prompts; one task reports their status.
    if (context.taskId().partition() == 0) {
      context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, t -> reportStatus());
    }
  }

  @Override
  public void process(Record<String, Object> record) {
    long t0 = System.nanoTime();
    if (record.value() instanceof VlmAnswer a) {
      modelAnswered(record.key(), a, record.timestamp());
    } else {
      answer(record.withValue((Observation) record.value()));
    }
    metrics.stage("rules", (System.nanoTime() - t0) / 1e9);
  }

  private void answer(Record<String, Observation> record) {
    Observation obs = record.value();
    String camera = record.key();
    arrived(camera, record.timestamp());
    Scene scene = new Scene(camera, record.timestamp(), obs.people(), obs.audio());
    double calibration = calibrationDb(camera);
    Map<String, Observation.PromptAnswer> answers = new TreeMap<>();
    List<VlmRequest> ask = new ArrayList<>();
    for (PromptCatalog.Entry prompt : acceptedPrompts()) {
      if (!prompt.spec().appliesTo(camera)) {
        continue;
      }
      if (prompt.vlm() != null) {
        answers.put(prompt.id(), askModel(camera, prompt, obs, record.timestamp(), ask));
        continue;
      }
      CompiledPrompt compiled = prompt.compiled();
      if (compiled.perPerson()) {
        answers.put(prompt.id(), perPerson(camera, prompt, scene, calibration, record.timestamp()));
        continue;
      }
      double answer = compiled.answer(scene, calibration);
      boolean holds = compiled.holds(answer);
      String key = Violation.key(camera, prompt.id());
      RuleState state = current(key, ruleStates.get(key), prompt);
      TemporalRule.Step step = rule(camera, prompt).step(state, record.timestamp(), holds, answer);
      ruleStates.put(key, step.state().withMeaning(compiled.canonical()));
      if (step.event() != null) {
        emit(camera, prompt, step.event(), Evidence.of(compiled, scene), record.timestamp());
      }
      String violation = step.state().phase() == RuleState.Phase.OPEN ? "open" : "none";
      answers.put(
          prompt.id(),
          new Observation.PromptAnswer(
              prompt.spec().text(), answerOrNull(answer), holds, violation));
    }
    if (!ask.isEmpty()) {
      vlm.offer(ask);
    }
    context.forward(record.withValue((Object) obs.withAnswers(answers)), OBSERVATIONS_SINK);
  }

  /**
   * A VLM prompt on one frame: while its gate holds, the model is asked (the answer steps the rule
   * when it comes back); while it does not, the prompt counts as false, as a compiled prompt with
   * nobody to match would.
   */
  private Observation.PromptAnswer askModel(
      String camera, PromptCatalog.Entry prompt, Observation obs, long ts, List<VlmRequest> ask) {
    String key = Violation.key(camera, prompt.id());
    RuleState state = current(key, ruleStates.get(key), prompt);
    List<Person> inView = ModelGate.inView(prompt.vlm(), obs.people());
    if (!inView.isEmpty()) {
      if (vlm != null) {
        Violation.Evidence seen = Evidence.of(inView, obs.people());
        ask.add(ModelGate.ask(camera, prompt.id(), prompt.vlm(), cameras.get(camera), ts, seen));
      }
    } else {
      TemporalRule.Step step = rule(camera, prompt).step(state, ts, false, 0);
      ruleStates.put(key, step.state().withMeaning(prompt.canonical()));
      if (step.event() != null) {
        emit(camera, prompt, step.event(), Evidence.none(), ts);
      }
      state = step.state();
    }
    boolean active = state.phase() != RuleState.Phase.IDLE;
    return new Observation.PromptAnswer(
        prompt.spec().text(),
        active ? answerOrNull(state.answer()) : null,
        active,
        state.phase() == RuleState.Phase.OPEN ? "open" : "none");
  }

  /**
   * The model answered a VLM prompt about the frame at {@code ts}: steps its rule, unless the
   * answer is unknown or stale (the prompt changed or went away since it was asked).
   */
  private void modelAnswered(String camera, VlmAnswer a, long ts) {
    if (VlmAnswer.VERIFY.equals(a.kind())) {
      if (verifier != null) {
        verifier.verdict(a);
      }
      return;
    }
    PromptCatalog.Entry prompt = activeById().get(a.promptId());
    if (prompt == null
        || prompt.vlm() == null
        || !prompt.spec().appliesTo(camera)
        || !prompt.canonical().equals(a.meaning())
        || a.unknown()) {
      return;
    }
    String key = Violation.key(camera, prompt.id());
    RuleState state = current(key, ruleStates.get(key), prompt);
    double answer = a.value() == null ? 0 : a.value();
    TemporalRule.Step step = rule(camera, prompt).step(state, ts, a.holds(), answer);
    ruleStates.put(key, step.state().withMeaning(prompt.canonical()));
    if (step.event() != null) {
      Violation.ModelVerdict verdict =
          new Violation.ModelVerdict(a.model(), "answer", a.verdict(), a.confidence(), a.reason());
      Violation.Evidence seen = a.evidence() == null ? Evidence.none() : a.evidence();
      emit(camera, prompt, step.event(), seen, ts, verdict);
    }
  }

  /**
   * Runs a per-person prompt ("the same person without a helmet for 10 s"): one rule per track,
   * keyed {@code camera/prompt#track}, so the condition must hold for one person throughout and
   * each person gets their own episode. A track that leaves the scene counts as false.
   */
  private Observation.PromptAnswer perPerson(
      String camera, PromptCatalog.Entry prompt, Scene scene, double calibration, long ts) {
    CompiledPrompt compiled = prompt.compiled();
    boolean soundHolds =
        !compiled.sound().isPresent() || compiled.sound().test(scene.audio(), calibration);
    Map<Long, Person> matching = new HashMap<>();
    for (Person p : compiled.matching(scene)) {
      if (p.trackId() != null && soundHolds) {
        matching.put(p.trackId(), p);
      }
    }
    String prefix = Violation.key(camera, prompt.id()) + TRACK_SEPARATOR;
    Map<Long, RuleState> known = new HashMap<>();
    try (KeyValueIterator<String, RuleState> it = ruleStates.range(prefix, prefix + '\uffff')) {
      it.forEachRemaining(kv -> known.put(trackOf(kv.key), kv.value));
    }
    known.replaceAll((track, state) -> current(prefix + track, state, prompt));
    java.util.Set<Long> tracks = new java.util.TreeSet<>(known.keySet());
    tracks.addAll(matching.keySet());
    boolean open = false;
    for (long track : tracks) {
      Person person = matching.get(track);
      boolean holds = person != null;
      RuleState state = known.getOrDefault(track, RuleState.initial());
      TemporalRule rule =
          new TemporalRule(
              camera,
              prompt.id() + TRACK_SEPARATOR + track,
              RuleSettings.of(compiled.forSeconds(), prompt.spec().cooldownS()));
      TemporalRule.Step step = rule.step(state, ts, holds, holds ? 1 : 0);
      if (!holds && step.state().phase() == RuleState.Phase.IDLE && step.event() == null) {
        // The person left and nothing is pending or open: forget their track.
        ruleStates.delete(prefix + track);
      } else {
        ruleStates.put(prefix + track, step.state().withMeaning(compiled.canonical()));
      }
      if (step.event() != null) {
        Scene one =
            new Scene(camera, ts, person == null ? List.of() : List.of(person), scene.audio());
        emit(camera, prompt, step.event(), Evidence.of(compiled, one), ts);
      }
      open |= step.state().phase() == RuleState.Phase.OPEN;
    }
    return new Observation.PromptAnswer(
        prompt.spec().text(),
        (double) matching.size(),
        !matching.isEmpty(),
        open ? "open" : "none");
  }

  private static long trackOf(String key) {
    return Long.parseLong(key.substring(key.lastIndexOf(TRACK_SEPARATOR) + 1));
  }

  private List<PromptCatalog.Entry> acceptedPrompts() {
    List<PromptCatalog.Entry> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = prompts.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (kv.value == null) {
          continue;
        }
        PromptCatalog.Entry e = catalog.get(kv.key, kv.value).toRun();
        if (e != null) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private TemporalRule rule(String camera, PromptCatalog.Entry prompt) {
    return new TemporalRule(
        camera, prompt.id(), RuleSettings.of(prompt.forSeconds(), prompt.spec().cooldownS()));
  }

  private double calibrationDb(String camera) {
    SiteConfig.Camera c = cameras.get(camera);
    return c == null ? 0 : c.audioCalibrationDb();
  }

  /**
   * The state to step for {@code prompt}: {@code state}, unless it was built under another meaning
   * of the prompt; then its open episode resolves with reason {@code prompt_changed} and the rule
   * starts fresh.
   */
  private RuleState current(String key, RuleState state, PromptCatalog.Entry prompt) {
    if (state == null) {
      return RuleState.initial();
    }
    String meaning = prompt.canonical();
    if (state.meaning() == null || state.meaning().equals(meaning)) {
      return state;
    }
    end(key, state, prompt, Violation.REASON_PROMPT_CHANGED, state.lastSeen());
    return RuleState.initial();
  }

  /** Notes a record of {@code camera}; a camera that was offline (or new) comes online. */
  private void arrived(String camera, long eventTime) {
    long now = context.currentSystemTimeMs();
    CameraClock clock = clocks.get(camera);
    if (clock == null || !clock.online()) {
      publishAvailability(camera, CameraStatus.ONLINE, now, eventTime);
    }
    long last = clock == null ? eventTime : Math.max(clock.lastEvent(), eventTime);
    clocks.put(camera, new CameraClock(last, now, true));
  }

  /** Wall-clock housekeeping, every second. */
  private void tick(long now) {
    retireStaleRules();
    if (verifier != null) {
      verifier.expire(now);
    }
    List<KeyValue<String, CameraClock>> all = new ArrayList<>();
    try (KeyValueIterator<String, CameraClock> it = clocks.all()) {
      it.forEachRemaining(all::add);
    }
    for (KeyValue<String, CameraClock> kv : all) {
      CameraClock clock = kv.value;
      if (!clock.online()) {
        continue;
      }
      long silent = clock.silentFor(now, startedAt);
      if (silent > offlineAfterMs(kv.key)) {
        goOffline(kv.key, clock, now);
      } else if (silent >= QUIET_MS) {
        advanceRules(kv.key, clock.eventTimeAt(now, startedAt));
      }
    }
  }

  /**
   * Advances the rules of a silent camera to its own time: closes stale pending runs and resolves
   * episodes whose condition has been false (or unseen) for the resolve delay.
   */
  private void advanceRules(String camera, long cameraTime) {
    Map<String, PromptCatalog.Entry> active = activeById();
    for (KeyValue<String, RuleState> kv : ruleStatesOf(camera)) {
      PromptCatalog.Entry prompt = active.get(promptIdOf(kv.key));
      if (prompt == null || !prompt.spec().appliesTo(camera)) {
        continue;
      }
      TemporalRule.Step step = rule(camera, prompt).advance(kv.value, cameraTime);
      if (!step.state().equals(kv.value)) {
        ruleStates.put(kv.key, step.state());
      }
      if (step.event() != null) {
        emit(camera, prompt, step.event(), Evidence.none(), cameraTime);
      }
    }
  }

  /**
   * Marks {@code camera} offline: its open episodes resolve at its last event time with reason
   * {@code camera_offline}, and its rules are dropped, so they start fresh when it returns.
   */
  private void goOffline(String camera, CameraClock clock, long now) {
    Map<String, PromptCatalog.Entry> active = activeById();
    for (KeyValue<String, RuleState> kv : ruleStatesOf(camera)) {
      PromptCatalog.Entry prompt = active.get(promptIdOf(kv.key));
      end(kv.key, kv.value, prompt, Violation.REASON_CAMERA_OFFLINE, clock.lastEvent());
    }
    clocks.put(camera, new CameraClock(clock.lastEvent(), clock.lastArrival(), false));
    publishAvailability(camera, CameraStatus.OFFLINE, now, clock.lastEvent());
  }

  private void publishAvailability(String camera, String availability, long now, long lastFrame) {
    metrics.cameraOnline(camera, CameraStatus.ONLINE.equals(availability));
    context.forward(
        new Record<String, Object>(
            camera, new CameraStatus(camera, availability, now, lastFrame), now),
        CAMERA_STATUS_SINK);
  }

  private long offlineAfterMs(String camera) {
    SiteConfig.Camera c = cameras.get(camera);
    double s = c == null ? SiteConfig.Camera.DEFAULT_OFFLINE_AFTER_S : c.offlineAfterS();
    return (long) (s * 1000);
  }

  /**
   * Ends the rules of prompts that were removed, no longer apply to a camera, or changed meaning.
   * An open episode resolves at the last event time its rule saw, rather than staying open forever.
   */
  private void retireStaleRules() {
    Map<String, PromptCatalog.Entry> active = activeById();
    for (KeyValue<String, RuleState> kv : ruleStates()) {
      PromptCatalog.Entry prompt = active.get(promptIdOf(kv.key));
      if (prompt == null || !prompt.spec().appliesTo(cameraOf(kv.key))) {
        end(kv.key, kv.value, null, Violation.REASON_PROMPT_REMOVED, kv.value.lastSeen());
      } else if (kv.value.meaning() != null && !kv.value.meaning().equals(prompt.canonical())) {
        end(kv.key, kv.value, prompt, Violation.REASON_PROMPT_CHANGED, kv.value.lastSeen());
      }
    }
  }

  /**
   * Deletes the rule at {@code key}, resolving its open episode at {@code at} for {@code reason}.
   *
   * @param prompt the prompt's running version, for its text and severity; null once removed
   */
  private void end(
      String key, RuleState state, PromptCatalog.Entry prompt, String reason, long at) {
    if (state.phase() == RuleState.Phase.OPEN) {
      String camera = cameraOf(key);
      Violation v =
          new Violation(
              Violation.SCHEMA,
              state.episodeId(),
              Violation.State.RESOLVED,
              camera,
              new Violation.PromptRef(
                  promptIdOf(key), prompt == null ? null : prompt.spec().text()),
              answerOrNull(state.answer()),
              state.since(),
              Math.max(at, state.since()),
              prompt == null ? null : Violation.Severity.of(prompt.spec().severity()),
              Evidence.none(),
              reason);
      forwardViolation(camera, promptIdOf(key), v, Math.max(at, state.since()));
    }
    ruleStates.delete(key);
  }

  private List<KeyValue<String, RuleState>> ruleStatesOf(String camera) {
    String prefix = camera + "/";
    List<KeyValue<String, RuleState>> states = new ArrayList<>();
    try (KeyValueIterator<String, RuleState> it = ruleStates.range(prefix, prefix + '\uffff')) {
      it.forEachRemaining(states::add);
    }
    return states;
  }

  private Map<String, PromptCatalog.Entry> activeById() {
    Map<String, PromptCatalog.Entry> active = new HashMap<>();
    for (PromptCatalog.Entry e : acceptedPrompts()) {
      active.put(e.id(), e);
    }
    return active;
  }

  private List<KeyValue<String, RuleState>> ruleStates() {
    List<KeyValue<String, RuleState>> states = new ArrayList<>();
    try (KeyValueIterator<String, RuleState> it = ruleStates.all()) {
      it.forEachRemaining(states::add);
    }
    return states;
  }

  private static String cameraOf(String key) {
    return key.substring(0, key.lastIndexOf('/'));
  }

  private static String promptIdOf(String key) {
    String id = key.substring(key.lastIndexOf('/') + 1);
    int track = id.indexOf(TRACK_SEPARATOR);
    return track < 0 ? id : id.substring(0, track);
  }

  private void reportStatus() {
    Map<String, Map<String, Object>> current = new LinkedHashMap<>();
    try (KeyValueIterator<String, byte[]> it = prompts.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (kv.value != null) {
          current.put(kv.key, withModelStatus(catalog.get(kv.key, kv.value)));
        }
      }
    }
    long now = System.currentTimeMillis();
    current.forEach(
        (id, status) -> {
          if (!status.equals(statusSent.get(id))) {
            context.forward(new Record<String, Object>(id, status, now), PROMPT_STATUS_SINK);
            statusSent.put(id, status);
          }
        });
    for (String id : new ArrayList<>(statusSent.keySet())) {
      if (!current.containsKey(id)) {
        context.forward(new Record<String, Object>(id, null, now), PROMPT_STATUS_SINK);
        statusSent.remove(id);
      }
    }
  }

  /**
   * The prompt's status, and for a prompt the model answers, whether the model can be reached
   * ("model unreachable: 401 ...").
   */
  private Map<String, Object> withModelStatus(PromptCatalog.Entry e) {
    Map<String, Object> status = e.status();
    PromptCatalog.Entry running = e.toRun();
    if (vlm != null && running != null && (running.vlm() != null || running.spec().verified())) {
      String problem = vlm.health(e.id());
      status = new LinkedHashMap<>(status);
      status.put("model_status", problem == null ? "ok" : problem);
    }
    return status;
  }

  private void emit(
      String camera,
      PromptCatalog.Entry prompt,
      TemporalRule.Event event,
      Violation.Evidence evidence,
      long timestamp) {
    emit(camera, prompt, event, evidence, timestamp, null);
  }

  private void emit(
      String camera,
      PromptCatalog.Entry prompt,
      TemporalRule.Event event,
      Violation.Evidence evidence,
      long timestamp,
      Violation.ModelVerdict verdict) {
    Violation v =
        new Violation(
            Violation.SCHEMA,
            event.episodeId(),
            event.state(),
            camera,
            new Violation.PromptRef(prompt.id(), prompt.spec().text()),
            answerOrNull(event.answer()),
            event.started(),
            event.ended(),
            Violation.Severity.of(prompt.spec().severity()),
            evidence,
            null,
            verdict);
    if (verifier != null
        && Violation.State.OPEN.equals(v.state())
        && prompt.compiled() != null
        && prompt.spec().verified()) {
      // The model confirms it on this frame first; the alert waits, the stream does not.
      verifier.hold(prompt, v, timestamp, context.currentSystemTimeMs());
      return;
    }
    forwardViolation(camera, prompt.id(), v, timestamp);
  }

  private void forwardViolation(String camera, String promptId, Violation v, long timestamp) {
    if (verifier != null && !Violation.State.OPEN.equals(v.state()) && verifier.follows(v)) {
      return;
    }
    publish(camera, promptId, v, timestamp);
  }

  private void publish(String camera, String promptId, Violation v, long timestamp) {
    context.forward(
        new Record<String, Object>(Violation.key(camera, promptId), v, timestamp), VIOLATIONS_SINK);
    commitSoon();
  }

  /**
   * Violations are the output someone waits for: under exactly-once they are invisible until the
   * transaction commits, so ask for a commit after this record instead of waiting for the commit
   * interval, which can then be long enough to keep transactions cheap.
   */
  private void commitSoon() {
    context.commit();
  }

  private static Double answerOrNull(double answer) {
    return Double.isNaN(answer) ? null : answer;
  }

  /** Builds the evidence of a violation from the people that match the prompt. */
  static final class Evidence {
    private Evidence() {}

    static Violation.Evidence none() {
      return new Violation.Evidence(List.of(), Map.of(), null, null);
    }

    static Violation.Evidence of(CompiledPrompt prompt, Scene scene) {
      Violation.Evidence e = of(prompt.matching(scene), scene.people());
      return prompt.sound().isPresent()
          ? new Violation.Evidence(e.boxes(), e.counts(), scene.audio(), null)
          : e;
    }

    /** The boxes of {@code matching} (person and head), with the helmet counts of {@code all}. */
    static Violation.Evidence of(List<Person> matching, List<Person> all) {
      List<Violation.LabelledBox> boxes = new ArrayList<>();
      for (Person p : matching) {
        boxes.add(new Violation.LabelledBox("person", p.box(), p.score()));
        if (p.head() != null) {
          String label =
              p.helmet() == null
                  ? "head"
                  : Boolean.TRUE.equals(p.helmet()) ? "helmet" : "no_helmet";
          boxes.add(new Violation.LabelledBox(label, p.head(), p.helmetProbability()));
        }
      }
      return new Violation.Evidence(boxes, HelmetCounts.of(all).toMap(), null, null);
    }
  }
}
