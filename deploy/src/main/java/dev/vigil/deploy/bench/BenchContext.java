package dev.vigil.deploy.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the phases of one run share: the options, the footage, the site on the embedded brokers, the
 * admin client and the lag probe on {@code vigil.frames}, the agents' producer, and the report's
 * details. Owns none of the clients (the run closes them). Not thread-safe; one per run.
 */
final class BenchContext {
  private static final Logger LOG = LoggerFactory.getLogger(BenchContext.class);

  final Bench.Options options;
  final List<Path> clips;
  final SiteConfig site;
  final Admin admin;
  final LagProbe frames;
  final Producer<String, byte[]> producer;
  final Map<String, Object> details;
  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private double peakRss;

  BenchContext(
      Bench.Options options,
      List<Path> clips,
      SiteConfig site,
      Admin admin,
      Producer<String, byte[]> producer,
      Map<String, Object> details) {
    this.options = options;
    this.clips = clips;
    this.site = site;
    this.admin = admin;
    this.frames = new LagProbe(admin, Bench.APP_ID, site.topics().frames());
    this.producer = producer;
    this.details = details;
  }

  /** CPU time of the whole process so far, in nanoseconds. */
  long processCpuNanos() {
    return os.getProcessCpuTime();
  }

  /** Takes a reading of the resident set size towards the peak of the run. */
  void sampleRss() {
    double r = Rss.currentMb();
    if (!Double.isNaN(r)) {
      peakRss = Math.max(peakRss, r);
    }
  }

  double peakRss() {
    return peakRss;
  }

  /** Waits until the processor has committed every frame; false when {@code timeout} passed. */
  boolean awaitDrained(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (frames.sample().lag() == 0) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  /**
   * Waits until the wall clock has passed the latest capture time on {@code vigil.frames}: backlog
   * capture times run ahead of it, and stream time only moves forward.
   */
  void awaitClockPastFrames() throws Exception {
    long ahead = frames.maxTimestamp() + 1000 - System.currentTimeMillis();
    if (ahead > 0) {
      LOG.info("bench: waiting {} ms for the wall clock to pass the backlog", ahead);
      Thread.sleep(ahead);
    }
  }

  /** Writes {@code spec} to the prompts topic, as {@code vigil prompt add} does. */
  void publishPrompt(PromptSpec spec) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, site.kafka().bootstrapServers());
    try (KafkaProducer<String, byte[]> prod =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      prod.send(new ProducerRecord<>(site.topics().prompts(), spec.id(), Json.toBytes(spec))).get();
    }
  }

  /** A plain consumer (no group, no commits) assigned every partition of {@code vigil.frames}. */
  KafkaConsumer<String, byte[]> framesConsumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, site.kafka().bootstrapServers());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    c.assign(
        c.partitionsFor(site.topics().frames()).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList());
    return c;
  }

  /**
   * Cameras that all replay the first clip: the other sample clips last only a few seconds, and a
   * camera whose file ends would lower the offered load in the middle of a phase.
   */
  List<SiteConfig.Camera> cameras(String prefix, int n, double fps) {
    List<SiteConfig.Camera> cams = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cams.add(
          new SiteConfig.Camera(
              prefix + i,
              clips.get(0).toString(),
              fps,
              10,
              options.motionThreshold(),
              0,
              List.of()));
    }
    return cams;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
