package dev.vigil.alerts;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The records a {@link CommitAfterAckLoop} has taken and not yet committed, in offset order per
 * partition, with what each waits for. What may be committed is each partition's run of done
 * records from its oldest: never past a record still waiting. Used by the loop thread only.
 */
final class Outstanding {
  private final Map<TopicPartition, ArrayDeque<Taken>> byPartition = new LinkedHashMap<>();
  private int size;

  /** What {@link #commitable} found: the offsets to commit, and how many records asked for acks. */
  record Done(Map<TopicPartition, OffsetAndMetadata> offsets, int records) {}

  void add(TopicPartition tp, long offset, List<CommitAfterAckLoop.Ack> acks) {
    byPartition.computeIfAbsent(tp, p -> new ArrayDeque<>()).add(new Taken(offset, acks));
    size++;
  }

  int size() {
    return size;
  }

  /** Whether every record taken is done (nothing waits any more). */
  boolean allDone() {
    for (ArrayDeque<Taken> queue : byPartition.values()) {
      for (Taken t : queue) {
        if (!t.done()) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Forgets the records of partitions that went to another member; nothing more is done for them.
   */
  void drop(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      ArrayDeque<Taken> gone = byPartition.remove(tp);
      if (gone != null) {
        size -= gone.size();
        gone.forEach(t -> t.acks.forEach(CommitAfterAckLoop.Ack::drop));
      }
    }
  }

  /** Removes each partition's leading done records and returns the offsets that follow them. */
  Done commitable() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    int records = 0;
    for (Map.Entry<TopicPartition, ArrayDeque<Taken>> e : byPartition.entrySet()) {
      ArrayDeque<Taken> queue = e.getValue();
      long next = -1;
      while (!queue.isEmpty() && queue.peek().done()) {
        Taken t = queue.poll();
        size--;
        next = t.offset + 1;
        records += t.acks.isEmpty() ? 0 : 1;
      }
      if (next >= 0) {
        offsets.put(e.getKey(), new OffsetAndMetadata(next));
      }
    }
    byPartition.values().removeIf(ArrayDeque::isEmpty);
    return new Done(offsets, records);
  }

  /** One record taken and what it waits for. */
  private record Taken(long offset, List<CommitAfterAckLoop.Ack> acks) {
    boolean done() {
      for (CommitAfterAckLoop.Ack a : acks) {
        if (!a.done()) {
          return false;
        }
      }
      return true;
    }
  }
}
