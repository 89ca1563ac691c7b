package dev.vigil.deploy.drill;

/**
 * The faults the drills inject into a {@link Plant}, each {@link DrillRunner#FAULT_AT_S} after the
 * agent is ready, and the repair that makes the plant whole again before the next drill. Each fault
 * returns its note for the report.
 */
final class Faults {
  private final Plant plant;
  private int killedProcessor = -1;

  Faults(Plant plant) {
    this.plant = plant;
  }

  /** Waits until the wall clock reaches {@code atMs}. */
  static void until(long atMs) {
    long wait = atMs - System.currentTimeMillis();
    if (wait > 0) {
      KafkaCluster.pause(wait);
    }
  }

  static void untilFault(long agentReady) {
    until(agentReady + DrillRunner.FAULT_AT_S * 1000);
  }

  String brokerKill(long agentReady) {
    String group = "vigil-" + Plant.SITE + "-processor";
    int victim = plant.kafka().coordinatorOf(group);
    untilFault(agentReady);
    long t = System.currentTimeMillis();
    plant.kafka().broker(victim).kill9();
    Plant.log("broker-kill: killed broker %d (coordinator of %s) with SIGKILL", victim, group);
    until(t + 20_000);
    plant.kafka().broker(victim).start();
    Plant.log("broker-kill: broker %d started again", victim);
    return "kill -9 broker " + victim + " (the processors' group coordinator) for 20 s; ";
  }

  String processorKill(long agentReady, String run) {
    untilFault(agentReady);
    int victim = 0;
    double best = -1;
    for (int i = 0; i < plant.processorCount(); i++) {
      double frames = plant.framesIn(i, run + "-");
      if (frames > best) {
        best = frames;
        victim = i;
      }
    }
    plant.processor(victim).kill9();
    killedProcessor = victim;
    Plant.log(
        "processor-kill: killed processor %d (it had processed %.0f frames of this run)",
        victim + 1, best);
    return "kill -9 processor " + (victim + 1) + " (the one processing this run's cameras); ";
  }

  String mqttRestart(long agentReady) {
    return outage(
        agentReady,
        15_000,
        () -> plant.mqtt().stop(),
        () -> plant.mqtt().start(),
        "mqtt-restart: mosquitto stopped",
        "mqtt-restart: mosquitto started again",
        "mosquitto stopped (SIGTERM) for 15 s; ");
  }

  String agentOffline(long agentReady) {
    return outage(
        agentReady,
        60_000,
        () -> plant.kafka().cutEdge(),
        () -> plant.kafka().restoreEdge(),
        "agent-offline: the agent's connections to Kafka cut",
        "agent-offline: the agent's connections to Kafka restored",
        "agent cut off from all 3 brokers for 60 s (TCP proxy); ");
  }

  /** Cuts the camera's network for {@link DrillRunner#DROP_MS}, then restores it. */
  CameraDrop cameraDrop(
      long agentReady, Plant.Camera camera, MjpegCamera stream, TcpProxy network) {
    untilFault(agentReady);
    long cut = System.currentTimeMillis();
    network.cut();
    Plant.log("camera-drop: the network to camera %s cut", DrillRunner.DROP_ROLE);
    until(cut + DrillRunner.DROP_MS);
    network.restore();
    CameraDrop drop = new CameraDrop(camera, stream, cut, System.currentTimeMillis());
    Plant.log("camera-drop: the network to camera %s restored", DrillRunner.DROP_ROLE);
    return drop;
  }

  /** Takes a part down for {@code forMs}, logging after the stop and after the restart. */
  private static String outage(
      long agentReady,
      long forMs,
      Runnable stop,
      Runnable restart,
      String stopped,
      String restarted,
      String note) {
    untilFault(agentReady);
    long t = System.currentTimeMillis();
    stop.run();
    Plant.log("%s", stopped);
    until(t + forMs);
    restart.run();
    Plant.log("%s", restarted);
    return note;
  }

  /** After a drill: restarts the processor a drill killed, if any. */
  void restartKilledProcessor(String name) {
    if (killedProcessor >= 0) {
      Plant.log("%s: restarting processor %d", name, killedProcessor + 1);
      plant.restartProcessor(killedProcessor);
      killedProcessor = -1;
    }
  }
}
