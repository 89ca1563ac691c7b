package dev.vigil.inference.prompt;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.inference.Scene;
import dev.vigil.inference.VigilBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The prompt evaluator on the hot path: answering a compiled prompt over one scene (what the rule
 * processor does for every frame x prompt), and compiling a prompt (done once per prompt change).
 * Not run by the build; run with the JMH main on the test classpath, as {@link VigilBenchmark}
 * explains.
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PromptEvaluatorBenchmark extends VigilBenchmark {

  @Param({
    "How many people are in view?",
    "How many people are not wearing a helmet in zone assembly?",
    "Is anyone in zone press for 10 seconds?"
  })
  public String prompt;

  private CompiledPrompt compiled;
  private Scene scene;

  @Setup
  public void setUp() {
    compiled = PromptCompiler.compile(prompt);
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      double x = 0.1 + 0.13 * i;
      Person p =
          Person.detected(new Box(x, 0.2, x + 0.1, 0.9), 0.5, new Point(x + 0.05, 0.9))
              .withHead(new Box(x + 0.02, 0.2, x + 0.08, 0.3), 0.3 + 0.1 * i, i % 2 == 0)
              .withZones(i % 3 == 0 ? List.of("assembly") : List.of("press"))
              .withTrackId((long) i);
      people.add(p);
    }
    scene = new Scene("cam", 1_700_000_000_000L, people, new AudioFeatures(-30, false, false));
  }

  @Benchmark
  public boolean answerAndHold() {
    return compiled.holds(compiled.answer(scene, 0));
  }

  @Benchmark
  public int matching() {
    return compiled.matching(scene).size();
  }

  @Benchmark
  public CompiledPrompt compile() {
    return PromptCompiler.compile(prompt);
  }
}
