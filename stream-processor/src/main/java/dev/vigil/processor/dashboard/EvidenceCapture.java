package dev.vigil.processor.dashboard;

import dev.vigil.config.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits between the rules and the violations topic. When a violation opens, it renders the frame
 * that opened it (still the camera's latest in {@link SnapshotStore}, as the rules run on that
 * frame's record) with every head pixelated, stores it in {@link EvidenceSnapshots#STORE}, and
 * names it in the violation's {@code evidence.snapshot}; later events of the same episode name it
 * too. Snapshots older than {@link EvidenceSnapshots#RETENTION} (wall clock) are deleted every
 * {@link #PURGE_EVERY}. Everything else passes through unchanged.
 *
 * <p>One instance per task, called by its stream thread only; it shares the thread-safe {@link
 * SnapshotStore} with the perceive step and owns nothing to close.
 */
public final class EvidenceCapture implements Processor<String, Object, String, Object> {
  /** How far the latest frame may be from the violation's event time and still be its evidence. */
  static final long TOLERANCE_MS = 2_000;

  static final Duration PURGE_EVERY = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(EvidenceCapture.class);
  private final SnapshotStore frames;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, EvidenceSnapshots.Snapshot> store;

  public EvidenceCapture(SnapshotStore frames) {
    this.frames = frames;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(EvidenceSnapshots.STORE);
    context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::purge);
  }

  @Override
  public void process(Record<String, Object> record) {
    if (!(record.value() instanceof Violation v) || v.camera() == null || v.id() == null) {
      context.forward(record);
      return;
    }
    boolean kept = store.get(v.id()) != null;
    if (!kept && Violation.State.OPEN.equals(v.state())) {
      byte[] jpeg = render(v, record.timestamp());
      if (jpeg != null) {
        store.put(v.id(), new EvidenceSnapshots.Snapshot(record.timestamp(), v.camera(), jpeg));
        kept = true;
      }
    }
    context.forward(kept ? record.withValue(withSnapshot(v)) : record);
  }

  /** The blurred frame, or null; a frame that cannot be rendered must not hold back the alert. */
  private byte[] render(Violation v, long timestamp) {
    try {
      return frames.renderNear(v.camera(), timestamp, TOLERANCE_MS);
    } catch (RuntimeException e) {
      LOG.warn("no evidence snapshot for violation {} on {}: {}", v.id(), v.camera(), e.toString());
      return null;
    }
  }

  private static Violation withSnapshot(Violation v) {
    Violation.Evidence e = v.evidence();
    Violation.Evidence named =
        e == null
            ? new Violation.Evidence(null, null, null, EvidenceSnapshots.path(v.camera(), v.id()))
            : new Violation.Evidence(
                e.boxes(), e.counts(), e.audio(), EvidenceSnapshots.path(v.camera(), v.id()));
    return v.withEvidence(named);
  }

  private void purge(long now) {
    long oldest = now - EvidenceSnapshots.RETENTION.toMillis();
    List<String> doomed = new ArrayList<>();
    try (KeyValueIterator<String, EvidenceSnapshots.Snapshot> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, EvidenceSnapshots.Snapshot> kv = it.next();
        if (kv.value.timestamp() < oldest) {
          doomed.add(kv.key);
        }
      }
    }
    doomed.forEach(store::delete);
  }
}
