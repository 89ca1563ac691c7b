package dev.vigil.inference.prompt;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The words of the prompt language: each phrase (one to four words) maps to what it means.
 *
 * <p>Over 500 lines on purpose: it is one word table, laid out one phrase per line by the
 * formatter, and splitting it by kind would only scatter a single vocabulary across files.
 */
final class Lexicon {

  /** What a word or phrase does in a prompt. */
  enum Kind {
    /** Carries no meaning of its own ("please", "is", "the", "in view"). */
    FILLER,
    /** A connective between the vision and the sound part ("while", "and"). */
    CONJ,
    /** Asks to be alerted ("alert", "notify"): with people, an existence question. */
    ALERT,
    /** A form of "to be": makes a statement about people a yes/no question. */
    BE,
    /** People in general ("workers"). */
    SUBJECT,
    /** People, asking whether any exist ("anyone", "someone"). */
    SUBJECT_ANY,
    /** One person, followed by their track ("the same person"): the rule runs per person. */
    SAME_PERSON,
    /** Asks for a count ("how many"). */
    HOW_MANY,
    /** Asks for a share ("what fraction"). */
    FRACTION,
    /** Asks whether something exists ("are there", "any"). */
    EXISTS,
    /** Nobody ("no one", "none"): the count is zero. */
    NONE,
    /** Everyone: refused, the language asks about the people who break a rule. */
    UNIVERSAL,
    /** A comparison before a number ("more than"). */
    CMP,
    /** A comparison after a number ("or more"). */
    CMP_POST,
    NUMBER,
    /** "a"/"an": 1 before a time unit ("for a minute"), otherwise a filler. */
    ARTICLE,
    /** One half. */
    HALF,
    /** Seconds per unit. */
    TIME_UNIT,
    DB,
    PERCENT,
    HELMET,
    /** Negates a following helmet ("without", "not", "no", "missing"). */
    NEG,
    /** Negates a preceding helmet ("helmet off", "helmet removed"). */
    POSTNEG,
    /** Affirms a helmet ("with", "wearing"). */
    POS,
    /** Without a helmet, in one word ("bare-headed"). */
    BAREHEADED,
    /** With a helmet, in one word ("helmeted"). */
    HELMETED,
    ALARM,
    IMPACT,
    /** Names the sound level ("noise", "loudness"). */
    NOISE,
    /** A zone named in the prompt ("in zone press"). */
    ZONE,
    UNKNOWN
  }

  /** A phrase's meaning: its kind, and a number or comparison where it has one. */
  record Entry(Kind kind, double value, Comparison op) {}

  static final Map<String, Entry> PHRASES = new HashMap<>();

  /** Every single word that appears in a phrase; zone names cannot be one of these. */
  static final Set<String> WORDS = new HashSet<>();

  static final int MAX_PHRASE = 4;

  private static void add(Kind kind, String... phrases) {
    for (String p : phrases) {
      put(p, new Entry(kind, Double.NaN, null));
    }
  }

  private static void cmp(Kind kind, Comparison op, String... phrases) {
    for (String p : phrases) {
      put(p, new Entry(kind, Double.NaN, op));
    }
  }

  private static void num(double value, Kind kind, String... phrases) {
    for (String p : phrases) {
      put(p, new Entry(kind, value, null));
    }
  }

  private static void put(String phrase, Entry e) {
    PHRASES.put(phrase, e);
    for (String w : phrase.split(" ")) {
      WORDS.add(w);
    }
  }

  static {
    add(
        Kind.FILLER,
        "please",
        "me",
        "us",
        "i",
        "we",
        "you",
        "if",
        "tell",
        "let",
        "know",
        "whether",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "being",
        "been",
        "am",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "there",
        "currently",
        "right now",
        "now",
        "at the moment",
        "at any time",
        "ever",
        "still",
        "who",
        "that",
        "which",
        "whose",
        "what",
        "what's",
        "this",
        "these",
        "those",
        "it",
        "they",
        "them",
        "their",
        "his",
        "her",
        "its",
        "of",
        "on",
        "at",
        "in",
        "inside",
        "within",
        "into",
        "for",
        "to",
        "by",
        "can",
        "could",
        "should",
        "will",
        "would",
        "see",
        "seen",
        "shown",
        "detected",
        "visible",
        "present",
        "standing",
        "working",
        "walking",
        "here",
        "in view",
        "in the view",
        "in the frame",
        "in frame",
        "on camera",
        "on the camera",
        "in the image",
        "in the picture",
        "in the scene",
        "on screen",
        "in sight",
        "in shot",
        "camera",
        "frame",
        "scene",
        "view",
        "sounding",
        "sounds",
        "sound",
        "sounded",
        "ringing",
        "rings",
        "ring",
        "rang",
        "going off",
        "goes off",
        "went off",
        "gone off",
        "go off",
        "blaring",
        "triggered",
        "active",
        "on",
        "heard",
        "hear",
        "happened",
        "happen",
        "happens",
        "occurred",
        "occur",
        "occurs",
        "just",
        "recently",
        "moment",
        "time",
        "total",
        "so",
        "then",
        "also",
        "right",
        "get",
        "gets",
        "got",
        "some",
        "exist",
        "exists",
        "there's",
        "kind",
        "sort",
        "type",
        "type of",
        "kind of",
        "sort of",
        "answer",
        "question",
        "check",
        "report",
        "show",
        "find",
        "give",
        "say",
        "whenever",
        "as long as",
        "as",
        "being",
        "being seen",
        "appear",
        "appears",
        "found");
    add(Kind.CONJ, "and", "or", "while", "whilst", "when", "during", "but", "as well as");
    add(
        Kind.ALERT,
        "alert",
        "alert me",
        "alert us",
        "alarm me",
        "notify",
        "notify me",
        "warn",
        "warn me",
        "raise an alert",
        "raise",
        "send an alert",
        "trigger",
        "flag",
        "let me know",
        "tell me",
        "inform me",
        "alerts");
    add(Kind.BE, "is", "are", "was", "were", "am");
    add(
        Kind.SUBJECT,
        "people",
        "persons",
        "person",
        "workers",
        "worker",
        "employees",
        "employee",
        "staff",
        "staff members",
        "staff member",
        "individuals",
        "individual",
        "personnel",
        "humans",
        "human",
        "operators",
        "operator",
        "men",
        "man",
        "women",
        "woman",
        "visitors",
        "visitor",
        "contractors",
        "contractor",
        "pedestrians",
        "pedestrian",
        "folks",
        "guys",
        "members of staff",
        "human beings",
        "workmen",
        "labourers",
        "laborers",
        "crew",
        "crew members",
        "technicians",
        "technician");
    add(Kind.SUBJECT_ANY, "anyone", "anybody", "someone", "somebody", "any one", "any person");
    add(
        Kind.SAME_PERSON,
        "the same person",
        "same person",
        "the same worker",
        "same worker",
        "the same individual",
        "same individual",
        "the same employee",
        "same employee");
    add(
        Kind.HOW_MANY,
        "how many",
        "number of",
        "the number of",
        "count",
        "count of",
        "count the",
        "headcount",
        "head count",
        "amount of",
        "quantity of",
        "total number of");
    add(
        Kind.FRACTION,
        "fraction",
        "percentage",
        "share",
        "proportion",
        "ratio",
        "portion",
        "rate",
        "fraction of",
        "percentage of",
        "share of",
        "proportion of",
        "ratio of",
        "what percent",
        "what percentage",
        "what part of");
    add(
        Kind.EXISTS,
        "any",
        "is there",
        "are there",
        "was there",
        "were there",
        "there is",
        "there are",
        "exists",
        "any sign of");
    add(
        Kind.NONE,
        "no one",
        "nobody",
        "none",
        "noone",
        "no-one",
        "not anyone",
        "not anybody",
        "no person",
        "no people",
        "no workers",
        "no worker",
        "no employees");
    add(Kind.UNIVERSAL, "everyone", "everybody", "all", "every", "each");
    cmp(
        Kind.CMP,
        Comparison.GT,
        "more than",
        "over",
        "above",
        "greater than",
        "exceeds",
        "exceed",
        "exceeding",
        "higher than",
        "louder than",
        "longer than",
        "in excess of",
        "beyond",
        "upwards of",
        "bigger than",
        "larger than");
    cmp(
        Kind.CMP,
        Comparison.GE,
        "at least",
        "no less than",
        "not less than",
        "no fewer than",
        "not fewer than",
        "a minimum of",
        "minimum of",
        "min of");
    cmp(
        Kind.CMP,
        Comparison.LT,
        "fewer than",
        "less than",
        "under",
        "below",
        "lower than",
        "quieter than",
        "shorter than",
        "beneath");
    cmp(
        Kind.CMP,
        Comparison.LE,
        "at most",
        "no more than",
        "not more than",
        "up to",
        "a maximum of",
        "maximum of",
        "max",
        "no greater than",
        "not over",
        "not above",
        "no higher than");
    cmp(Kind.CMP, Comparison.EQ, "exactly", "equal to", "equals", "precisely", "exactly equal to");
    cmp(
        Kind.CMP_POST,
        Comparison.GE,
        "or more",
        "or above",
        "or over",
        "or greater",
        "plus",
        "or higher",
        "or louder",
        "or longer");
    cmp(Kind.CMP_POST, Comparison.LE, "or fewer", "or less", "or below", "or under", "or lower");
    String[] small = {
      "zero",
      "one",
      "two",
      "three",
      "four",
      "five",
      "six",
      "seven",
      "eight",
      "nine",
      "ten",
      "eleven",
      "twelve",
      "thirteen",
      "fourteen",
      "fifteen",
      "sixteen",
      "seventeen",
      "eighteen",
      "nineteen",
      "twenty"
    };
    for (int i = 0; i < small.length; i++) {
      num(i, Kind.NUMBER, small[i]);
    }
    num(1, Kind.NUMBER, "single");
    num(12, Kind.NUMBER, "a dozen", "dozen");
    num(30, Kind.NUMBER, "thirty");
    num(40, Kind.NUMBER, "forty");
    num(50, Kind.NUMBER, "fifty");
    num(60, Kind.NUMBER, "sixty");
    num(70, Kind.NUMBER, "seventy");
    num(80, Kind.NUMBER, "eighty");
    num(90, Kind.NUMBER, "ninety");
    num(100, Kind.NUMBER, "hundred", "a hundred", "one hundred");
    add(Kind.ARTICLE, "a", "an");
    add(Kind.HALF, "half", "a half", "one half");
    num(1, Kind.TIME_UNIT, "s", "sec", "secs", "second", "seconds");
    num(60, Kind.TIME_UNIT, "min", "mins", "minute", "minutes");
    num(3600, Kind.TIME_UNIT, "h", "hr", "hrs", "hour", "hours");
    add(Kind.DB, "db", "dbs", "decibel", "decibels");
    add(Kind.PERCENT, "percent", "per cent", "pct", "%");
    add(
        Kind.HELMET,
        "helmet",
        "helmets",
        "hard hat",
        "hard hats",
        "hardhat",
        "hardhats",
        "safety helmet",
        "safety helmets",
        "safety hat",
        "safety hats",
        "hard helmet",
        "hard helmets",
        "protective helmet",
        "protective helmets",
        "head protection",
        "hard cap",
        "hard caps",
        "safety cap",
        "safety caps");
    add(
        Kind.NEG,
        "not",
        "without",
        "no",
        "missing",
        "lacking",
        "lack",
        "lacks",
        "never",
        "with no",
        "without any",
        "minus",
        "forgot",
        "forgetting",
        "forgot to wear",
        "failing to wear",
        "fail to wear",
        "fails to wear");
    add(Kind.POSTNEG, "off", "removed", "absent", "taken off", "not worn", "not on");
    add(
        Kind.POS,
        "with",
        "in",
        "wearing",
        "wear",
        "wears",
        "wore",
        "worn",
        "has on",
        "have on",
        "having",
        "using",
        "use",
        "uses",
        "donning",
        "dons",
        "don",
        "put on",
        "in their",
        "with their",
        "wearing their",
        "with a",
        "with an");
    add(
        Kind.BAREHEADED,
        "bareheaded",
        "bare-headed",
        "bare headed",
        "helmetless",
        "unhelmeted",
        "hatless",
        "bare head",
        "bare heads",
        "uncovered head",
        "uncovered heads",
        "unprotected head",
        "unprotected heads",
        "no head protection");
    add(Kind.HELMETED, "helmeted", "hard-hatted", "hard hatted", "hardhatted");
    add(
        Kind.ALARM,
        "alarm",
        "alarms",
        "siren",
        "sirens",
        "alarm bell",
        "alarm bells",
        "klaxon",
        "klaxons",
        "fire alarm",
        "evacuation alarm",
        "warning siren",
        "alert tone");
    add(
        Kind.IMPACT,
        "impact",
        "impacts",
        "crash",
        "crashes",
        "bang",
        "bangs",
        "explosion",
        "explosions",
        "impulse",
        "impulses",
        "collision",
        "collisions",
        "loud bang",
        "blast",
        "thud",
        "smash",
        "boom");
    add(
        Kind.NOISE,
        "noise",
        "level",
        "noise level",
        "sound level",
        "loudness",
        "volume",
        "loud",
        "noisy",
        "noises",
        "noise levels",
        "sound pressure",
        "sound pressure level",
        "spl",
        "laeq",
        "noisier");
  }

  private Lexicon() {}
}
