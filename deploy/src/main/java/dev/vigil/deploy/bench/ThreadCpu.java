package dev.vigil.deploy.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where this process's CPU goes, by thread group: the bench runs brokers, agents, alerts and the
 * processor in one JVM, so the processor's competitors are counted apart from its stream threads.
 * Java threads are grouped by name; what the process used beyond them is the JVM's own threads (GC,
 * JIT compilers), of which the JIT's share is known from its compile time.
 */
final class ThreadCpu {
  /**
   * A reading: CPU nanoseconds per Java thread id (with its name), per JVM-internal thread kind
   * (from /proc, where GC and JIT threads show but Java does not list them), process CPU, and GC
   * pause time.
   */
  record Snapshot(
      long nanos,
      Map<Long, Long> threadCpu,
      Map<Long, String> names,
      Map<String, Long> vmCpu,
      long processCpu,
      long gcMs) {}

  /** JVM-internal threads by the start of their OS name (/proc/self/task/N/comm). */
  private static final Map<String, List<String>> VM_GROUPS =
      Map.of(
          "gc", List.of("GC Thread", "G1 "),
          "jit", List.of("C1 CompilerThre", "C2 CompilerThre"),
          "vm", List.of("VM Thread", "VM Periodic"));

  private static final double TICK_NS = 1e9 / 100; // USER_HZ, 100 on Linux

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Groups in report order, each with the lower-case name fragments of its threads. */
  private static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

  static {
    GROUPS.put("stream_threads", List.of("-streamthread-"));
    GROUPS.put("agents", List.of("vigil-agent-", "vigil-bench-agent", "| agent"));
    GROUPS.put("alerts", List.of("alerts", "paho", "mqtt"));
    GROUPS.put("mqtt_broker", List.of("hivemq", "nioeventloop", "single-writer", "epoll"));
    GROUPS.put(
        "kafka_broker",
        List.of(
            "kafka",
            "data-plane",
            "controller",
            "raft",
            "expirationreaper",
            "replica",
            "logcleaner",
            "log-cleaner",
            "group-coordinator",
            "txnmarker",
            "quorum",
            "metadata",
            "broker-",
            "executor-",
            "logdirfailure",
            "persister",
            "share-"));
    GROUPS.put("bench", List.of("main", "bench"));
  }

  private ThreadCpu() {}

  static Snapshot snapshot() {
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      long c = THREADS.getThreadCpuTime(t.getThreadId());
      if (c >= 0) {
        cpu.put(t.getThreadId(), c);
        names.put(t.getThreadId(), t.getThreadName());
      }
    }
    long gc = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc += Math.max(0, b.getCollectionTime());
    }
    long process =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime()
            : -1;
    return new Snapshot(System.nanoTime(), cpu, names, vmThreads(), process, gc);
  }

  /** CPU nanoseconds of the JVM's own threads by kind; empty where /proc is not there. */
  private static Map<String, Long> vmThreads() {
    Map<String, Long> out = new HashMap<>();
    java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
    try (var dirs = java.nio.file.Files.list(tasks)) {
      for (java.nio.file.Path t : dirs.toList()) {
        try {
          String comm = java.nio.file.Files.readString(t.resolve("comm")).strip();
          String kind = null;
          for (Map.Entry<String, List<String>> g : VM_GROUPS.entrySet()) {
            if (g.getValue().stream().anyMatch(comm::startsWith)) {
              kind = g.getKey();
            }
          }
          if (kind == null) {
            continue;
          }
          String stat = java.nio.file.Files.readString(t.resolve("stat"));
          // After "(comm) ": state is field 3, utime 14 and stime 15.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          out.merge(kind, Math.round(ticks * TICK_NS), Long::sum);
        } catch (java.io.IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    } catch (java.io.IOException e) {
      return Map.of();
    }
    return out;
  }

  /** The group of a thread by its name; "other" when no group claims it. */
  static String group(String threadName) {
    String n = threadName.toLowerCase(Locale.ROOT);
    // A Kafka client's I/O thread is named after its client id, so it goes with its owner.
    if (n.startsWith("kafka-producer-network-thread") || n.contains("heartbeat")) {
      if (n.contains("streamthread")) {
        return "stream_threads_io";
      }
    }
    for (Map.Entry<String, List<String>> g : GROUPS.entrySet()) {
      for (String fragment : g.getValue()) {
        if (n.contains(fragment)) {
          return g.getKey();
        }
      }
    }
    return "other";
  }

  /**
   * Cores used per group between two readings (CPU seconds per wall second); threads that started
   * in between count from zero. {@code gc}, {@code jit} and {@code vm} are the JVM's own threads;
   * {@code native_other} is what the process used beyond all of those and its Java threads: mostly
   * TensorFlow's own thread pool running the models. {@code gc_pause_share} is the share of wall
   * time in GC pauses.
   */
  static Map<String, Object> cores(Snapshot a, Snapshot b) {
    double wall = (b.nanos() - a.nanos()) / 1e9;
    Map<String, Double> used = new LinkedHashMap<>();
    GROUPS.keySet().forEach(g -> used.put(g, 0.0));
    used.put("stream_threads_io", 0.0);
    used.put("other", 0.0);
    double javaThreads = 0;
    for (Map.Entry<Long, Long> e : b.threadCpu().entrySet()) {
      double s = (e.getValue() - a.threadCpu().getOrDefault(e.getKey(), 0L)) / 1e9;
      used.merge(group(b.names().get(e.getKey())), s, Double::sum);
      javaThreads += s;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    used.forEach((g, s) -> out.put(g, BenchReport.round(s / wall, 3)));
    double vm = 0;
    for (String kind : List.of("gc", "jit", "vm")) {
      double s = (b.vmCpu().getOrDefault(kind, 0L) - a.vmCpu().getOrDefault(kind, 0L)) / 1e9;
      out.put(kind, BenchReport.round(s / wall, 3));
      vm += s;
    }
    if (a.processCpu() >= 0 && b.processCpu() >= 0) {
      double process = (b.processCpu() - a.processCpu()) / 1e9;
      out.put("native_other", BenchReport.round(Math.max(0, process - javaThreads - vm) / wall, 3));
      out.put("process", BenchReport.round(process / wall, 3));
    }
    out.put("gc_pause_share", BenchReport.round((b.gcMs() - a.gcMs()) / 1e3 / wall, 3));
    return out;
  }

  /**
   * The groups that are not the processor: in a plant the brokers, the alerts service and the edge
   * agents run in processes (and mostly on machines) of their own.
   */
  static final List<String> COMPETITORS =
      List.of("kafka_broker", "mqtt_broker", "alerts", "agents");

  /** Cores the {@link #COMPETITORS} used in a table of {@link #cores}. */
  static double competitorCores(Map<String, Object> table) {
    double sum = 0;
    for (String g : COMPETITORS) {
      if (table.get(g) instanceof Number n) {
        sum += n.doubleValue();
      }
    }
    return sum;
  }

  /** Thread names of the "other" group that used the most CPU, to refine the grouping. */
  static Map<String, Object> topOther(Snapshot a, Snapshot b, int n) {
    double wall = (b.nanos() - a.nanos()) / 1e9;
    Map<String, Double> byName = new HashMap<>();
    b.names()
        .forEach(
            (id, name) -> {
              if (group(name).equals("other")) {
                double s = (b.threadCpu().get(id) - a.threadCpu().getOrDefault(id, 0L)) / 1e9;
                byName.merge(name.replaceAll("\\d+", "N"), s / wall, Double::sum);
              }
            });
    Map<String, Object> out = new LinkedHashMap<>();
    byName.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(n)
        .forEach(e -> out.put(e.getKey(), BenchReport.round(e.getValue(), 3)));
    return out;
  }
}
