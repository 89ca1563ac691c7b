package dev.vigil.processor;

import dev.vigil.config.Observation;
import dev.vigil.config.Person;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import dev.vigil.inference.Scene;
import dev.vigil.inference.prompt.CompiledPrompt;
import dev.vigil.processor.rules.RuleSettings;
import dev.vigil.processor.rules.RuleState;
import dev.vigil.processor.rules.TemporalRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * violation lifecycle events keyed {@code camera/prompt}, and the compiled form or refusal of each
 * prompt to {@code vigil.prompt-status}.
 */
final class RuleProcessor implements Processor<String, Observation, String, Object> {
  static final String NAME = "rules";
  static final String VIOLATIONS_SINK = "violations-sink";
  static final String OBSERVATIONS_SINK = "observations-sink";
  static final String PROMPT_STATUS_SINK = "prompt-status-sink";
  static final Duration PUNCTUATE_EVERY = Duration.ofSeconds(1);

  /** Separates the prompt id from the track id in the state keys of per-person rules. */
  static final char TRACK_SEPARATOR = '#';

  private final Map<String, SiteConfig.Camera> cameras;
  private final PromptCatalog catalog = new PromptCatalog();
  private final Map<String, Map<String, Object>> statusSent = new HashMap<>();
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, RuleState> ruleStates;
  private KeyValueStore<String, byte[]> prompts;

  RuleProcessor(Map<String, SiteConfig.Camera> cameras) {
    this.cameras = cameras;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.ruleStates = context.getStateStore(VigilTopology.RULE_STATE_STORE);
    this.prompts = context.getStateStore(VigilTopology.PROMPTS_STORE);
    context.schedule(PUNCTUATE_EVERY, PunctuationType.STREAM_TIME, this::advanceRules);
    // Prompt changes are control-plane events: act on them even when a camera sends nothing.
    context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, t -> dropRemovedPrompts());
    // Every task sees the same global prompts; one task reports their status.
    if (context.taskId().partition() == 0) {
      context.schedule(PUNCTUATE_EVERY, PunctuationType.WALL_CLOCK_TIME, t -> reportStatus());
    }
  }

  @Override
  public void process(Record<String, Observation> record) {
    Observation obs = record.value();
    String camera = record.key();
    Scene scene = new Scene(camera, record.timestamp(), obs.people(), obs.audio());
    double calibration = calibrationDb(camera);
    Map<String, Observation.PromptAnswer> answers = new TreeMap<>();
    for (PromptCatalog.Entry prompt : acceptedPrompts()) {
      if (!prompt.spec().appliesTo(camera)) {
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
      RuleState state = Objects.requireNonNullElse(ruleStates.get(key), RuleState.initial());
      TemporalRule.Step step = rule(camera, prompt).step(state, record.timestamp(), holds, answer);
      ruleStates.put(key, step.state());
      if (step.event() != null) {
        emit(camera, prompt, step.event(), Evidence.of(compiled, scene), record.timestamp());
      }
      String violation = step.state().phase() == RuleState.Phase.OPEN ? "open" : "none";
      answers.put(
          prompt.id(),
          new Observation.PromptAnswer(
              prompt.spec().text(), answerOrNull(answer), holds, violation));
    }
    context.forward(record.withValue((Object) obs.withAnswers(answers)), OBSERVATIONS_SINK);
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
        ruleStates.put(prefix + track, step.state());
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
        PromptCatalog.Entry e = catalog.get(kv.key, kv.value);
        if (e.accepted()) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private TemporalRule rule(String camera, PromptCatalog.Entry prompt) {
    return new TemporalRule(
        camera,
        prompt.id(),
        RuleSettings.of(prompt.compiled().forSeconds(), prompt.spec().cooldownS()));
  }

  private double calibrationDb(String camera) {
    SiteConfig.Camera c = cameras.get(camera);
    return c == null ? 0 : c.audioCalibrationDb();
  }

  /** Stream-time housekeeping: close stale pending runs and resolve episodes. */
  private void advanceRules(long streamTime) {
    Map<String, PromptCatalog.Entry> active = activeById();
    for (KeyValue<String, RuleState> kv : ruleStates()) {
      PromptCatalog.Entry prompt = active.get(promptIdOf(kv.key));
      String camera = cameraOf(kv.key);
      if (prompt == null || !prompt.spec().appliesTo(camera)) {
        continue;
      }
      TemporalRule.Step step = rule(camera, prompt).advance(kv.value, streamTime);
      if (!step.state().equals(kv.value)) {
        ruleStates.put(kv.key, step.state());
      }
      if (step.event() != null) {
        emit(camera, prompt, step.event(), Evidence.none(), streamTime);
      }
    }
  }

  /**
   * Drops the rule state of prompts that were removed, or no longer apply to a camera. An open
   * episode resolves at the last event time its rule saw, rather than staying open forever.
   */
  private void dropRemovedPrompts() {
    Map<String, PromptCatalog.Entry> active = activeById();
    for (KeyValue<String, RuleState> kv : ruleStates()) {
      String camera = cameraOf(kv.key);
      String promptId = promptIdOf(kv.key);
      PromptCatalog.Entry prompt = active.get(promptId);
      if (prompt != null && prompt.spec().appliesTo(camera)) {
        continue;
      }
      RuleState state = kv.value;
      if (state.phase() == RuleState.Phase.OPEN) {
        TemporalRule.Event resolved =
            new TemporalRule.Event(
                Violation.RESOLVED,
                state.episodeId(),
                state.since(),
                state.lastSeen(),
                state.answer());
        emitRemoved(camera, promptId, resolved, state.lastSeen());
      }
      ruleStates.delete(kv.key);
    }
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
          current.put(kv.key, catalog.get(kv.key, kv.value).status());
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

  private void emit(
      String camera,
      PromptCatalog.Entry prompt,
      TemporalRule.Event event,
      Violation.Evidence evidence,
      long timestamp) {
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
            prompt.spec().severity(),
            evidence);
    context.forward(
        new Record<String, Object>(Violation.key(camera, prompt.id()), v, timestamp),
        VIOLATIONS_SINK);
    commitSoon();
  }

  private void emitRemoved(String camera, String promptId, TemporalRule.Event e, long timestamp) {
    Violation v =
        new Violation(
            Violation.SCHEMA,
            e.episodeId(),
            e.state(),
            camera,
            new Violation.PromptRef(promptId, null),
            answerOrNull(e.answer()),
            e.started(),
            e.ended(),
            null,
            Evidence.none());
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
      List<Violation.LabelledBox> boxes = new ArrayList<>();
      for (Person p : prompt.matching(scene)) {
        boxes.add(new Violation.LabelledBox("person", p.box(), p.score()));
        if (p.head() != null) {
          String label =
              p.helmet() == null
                  ? "head"
                  : Boolean.TRUE.equals(p.helmet()) ? "helmet" : "no_helmet";
          boxes.add(new Violation.LabelledBox(label, p.head(), p.helmetProbability()));
        }
      }
      Map<String, Integer> counts = new LinkedHashMap<>();
      counts.put("people", scene.people().size());
      counts.put(
          "helmet",
          (int) scene.people().stream().filter(p -> Boolean.TRUE.equals(p.helmet())).count());
      counts.put(
          "no_helmet",
          (int) scene.people().stream().filter(p -> Boolean.FALSE.equals(p.helmet())).count());
      counts.put("unknown", (int) scene.people().stream().filter(p -> p.helmet() == null).count());
      return new Violation.Evidence(
          boxes, counts, prompt.sound().isPresent() ? scene.audio() : null, null);
    }
  }
}
