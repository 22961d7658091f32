// hx-specfuzz: a deterministic mutation fuzzer for the spec loader (screen, YAML, schema, cross
// checks, derivation). It mutates the files of its corpus directories with a seeded generator,
// loads each mutant twice and fails on the first input that throws, loads differently the second
// time, runs longer than --max-ms, or grows the process beyond --max-rss-mib. The failing input is
// written out so that `hxctl validate -f` reproduces it.
//
//   hx-specfuzz [--seed N] [--runs N] [--max-ms N] [--max-rss-mib N] [--save DIR] DIR...
//
// Exit 0: no failure in N runs. Exit 1: a failure (reported, input saved). Exit 2: bad usage.
// The test suite runs a short fixed-seed pass (tests/CMakeLists.txt); run longer ones by hand.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/memory_spec_source.h"
#include "reconciler/loader.h"

namespace fs = std::filesystem;
using namespace hx;

namespace {

// Tokens that reach the YAML parser's and the schema's corner cases; the first few are the known
// yaml-cpp 0.7 pathologies.
const std::vector<std::string> kTokens = {",",
                                          "\n,",
                                          "\n, ",
                                          "&a ,",
                                          "[:",
                                          "{:",
                                          "[",
                                          "]",
                                          "{",
                                          "}",
                                          ":",
                                          ": ",
                                          "- ",
                                          "? ",
                                          "&a ",
                                          "*a",
                                          "*b",
                                          "!!python/object ",
                                          "!custom ",
                                          "!!str ",
                                          "!!int ",
                                          "|",
                                          ">-",
                                          "\"",
                                          "'",
                                          "#",
                                          "\t",
                                          "\n",
                                          "\r\n",
                                          "---\n",
                                          "...\n",
                                          "%YAML 1.2\n",
                                          "<<: *a\n",
                                          "\xff",
                                          "\xc3",
                                          "\xed\xa0\x80",
                                          std::string("\0", 1),
                                          "\x1b[31m",
                                          "\"\\e\"",
                                          "\"\\x00\"",
                                          "\"\\uD800\"",
                                          "99999999999999999999",
                                          "-1",
                                          "0",
                                          "1e400",
                                          "nan",
                                          "true",
                                          "null",
                                          "~",
                                          "0x10",
                                          "65536",
                                          "6010:6000",
                                          "any",
                                          "0.0.0.0/0",
                                          "256.1.1.1",
                                          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                                          std::string(300, 'x')};

struct Options {
  uint64_t seed = 1;
  long runs = 2000;
  long maxMs = 2000;
  long maxRssMib = 512;
  std::string save = ".";
  std::vector<std::string> dirs;
};

// The input being loaded, for the alarm handler to save when a load never returns.
std::string* gCurrent = nullptr;
const char* gSavePath = nullptr;

// Saves the input with write(2) only: this runs in signal handlers.
void saveCurrent() {
  if (!gCurrent || !gSavePath) return;
  int fd = open(gSavePath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  (void)!write(fd, gCurrent->data(), gCurrent->size());
  close(fd);
}

void say(const char* msg) { (void)!write(2, msg, std::strlen(msg)); }

void onAlarm(int) {
  saveCurrent();
  say("hx-specfuzz: HANG: a load did not return within --max-ms; input saved\n");
  _exit(1);
}

#if !defined(__SANITIZE_ADDRESS__)
void onCrash(int) {
  saveCurrent();
  say("hx-specfuzz: CRASH: a fatal signal while loading; input saved\n");
  _exit(1);
}
#endif

long peakRssMib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  size_t below(size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }

  std::string mutate(std::string text, const std::vector<std::string>& corpus) {
    const size_t steps = 1 + below(below(2) ? 2 : 6);
    for (size_t i = 0; i < steps; ++i) {
      const size_t at = below(text.size() + 1);
      switch (below(9)) {
        case 0:  // flip a byte
          if (!text.empty()) text[below(text.size())] ^= static_cast<char>(1 + below(255));
          break;
        case 1:
        case 2:  // insert a token
          text.insert(at, kTokens[below(kTokens.size())]);
          break;
        case 3:  // delete a range
          text.erase(at, below(64));
          break;
        case 4:  // repeat a range
          text.insert(at, text.substr(below(text.size() + 1), below(200)));
          break;
        case 5: {  // a line of another file, at a line start
          const std::string& other = corpus[below(corpus.size())];
          size_t from = other.rfind('\n', below(other.size() + 1));
          from = from == std::string::npos ? 0 : from + 1;
          size_t to = other.find('\n', from);
          size_t lineStart = text.rfind('\n', at == 0 ? 0 : at - 1);
          lineStart = lineStart == std::string::npos || at == 0 ? 0 : lineStart + 1;
          text.insert(lineStart, other.substr(from, to == std::string::npos ? to : to - from + 1));
          break;
        }
        case 6:  // truncate
          text.resize(at);
          break;
        case 7: {  // a line that starts with a comma (the fault study's case)
          size_t lineStart = text.rfind('\n', at == 0 ? 0 : at - 1);
          lineStart = lineStart == std::string::npos || at == 0 ? 0 : lineStart + 1;
          text.insert(lineStart, ",");
          break;
        }
        default:  // change indentation
          text.insert(at, std::string(1 + below(4), ' '));
          break;
      }
    }
    return text;
  }

 private:
  std::mt19937_64 rng_;
};

// Everything a load decides, as text: two loads of one input must agree.
std::string outcome(const LoadResult& r) {
  std::string s = std::to_string(r.errorCount()) + " errors, " +
                  std::to_string(r.desired.resources.size()) + " resources\n";
  for (const auto& d : r.diagnostics) s += formatDiagnostic(d) + "\n";
  for (const auto& res : r.desired.resources) s += res.id.str() + " " + res.spec.dump() + "\n";
  return s;
}

LoadResult load(const std::string& text) {
  fake::MemorySpecSource source;
  source.add("fuzz.yaml", text);
  return loadSpecs(source, {"fuzz.yaml"});
}

int usage() {
  std::cerr << "usage: hx-specfuzz [--seed N] [--runs N] [--max-ms N] [--max-rss-mib N] "
               "[--save DIR] DIR...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--seed" && (v = next()))
      o.seed = std::strtoull(v, nullptr, 10);
    else if (a == "--runs" && (v = next()))
      o.runs = std::atol(v);
    else if (a == "--max-ms" && (v = next()))
      o.maxMs = std::atol(v);
    else if (a == "--max-rss-mib" && (v = next()))
      o.maxRssMib = std::atol(v);
    else if (a == "--save" && (v = next()))
      o.save = v;
    else if (a.rfind("--", 0) == 0)
      return usage();
    else
      o.dirs.push_back(a);
  }
  if (o.dirs.empty() || o.runs <= 0 || o.maxMs <= 0) return usage();

  std::vector<std::string> corpus;
  for (const auto& dir : o.dirs) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec))
      if (it->is_regular_file() &&
          (it->path().extension() == ".yaml" || it->path().extension() == ".yml"))
        corpus.push_back(slurp(it->path()));
    if (ec) {
      std::cerr << "hx-specfuzz: " << dir << ": " << ec.message() << "\n";
      return 2;
    }
  }
  if (corpus.empty()) {
    std::cerr << "hx-specfuzz: no *.yaml in the corpus directories\n";
    return 2;
  }

  const std::string savePath =
      (fs::path(o.save) / ("specfuzz-failure-seed" + std::to_string(o.seed) + ".yaml")).string();
  gSavePath = savePath.c_str();
  signal(SIGALRM, onAlarm);
#if !defined(__SANITIZE_ADDRESS__)
  // Without a sanitizer to report them: save the input on a crash, and let an allocation beyond
  // the memory ceiling fail (std::bad_alloc, reported with its input) instead of taking the
  // machine. Under ASan, its own reports and its address space layout rule these out.
  for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) signal(sig, onCrash);
  rlimit as{};
  as.rlim_cur = as.rlim_max = static_cast<rlim_t>(o.maxRssMib) * 4 << 20;
  setrlimit(RLIMIT_AS, &as);
#endif
  Mutator mutator(o.seed);
  std::string input;
  gCurrent = &input;
  long slowestMs = 0, loadedOk = 0;
  auto fail = [&](long run, const std::string& what) {
    std::ofstream(savePath, std::ios::binary) << input;
    std::cerr << "hx-specfuzz: FAIL at run " << run << " (seed " << o.seed << "): " << what
              << "\n  input saved to " << savePath << "\n";
    return 1;
  };
  const auto started = std::chrono::steady_clock::now();
  for (long run = 0; run < o.runs; ++run) {
    input = mutator.mutate(corpus[mutator.below(corpus.size())], corpus);
    // The whole budget for both loads: a hang ends the process from the alarm handler.
    alarm(static_cast<unsigned>((2 * o.maxMs + 999) / 1000));
    const auto t0 = std::chrono::steady_clock::now();
    std::string first, second;
    try {
      LoadResult a = load(input);
      loadedOk += a.ok();
      first = outcome(a);
      second = outcome(load(input));
    } catch (const std::exception& e) {
      alarm(0);
      return fail(run, std::string("exception: ") + e.what());
    } catch (...) {
      alarm(0);
      return fail(run, "a non-standard exception");
    }
    alarm(0);
    const long ms = static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count());
    slowestMs = std::max(slowestMs, ms);
    if (ms > 2 * o.maxMs) return fail(run, "two loads took " + std::to_string(ms) + " ms");
    if (first != second) return fail(run, "two loads of one input disagree");
    if (peakRssMib() > o.maxRssMib)
      return fail(run, "peak resident memory " + std::to_string(peakRssMib()) + " MiB");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "hx-specfuzz: seed " << o.seed << ", " << o.runs << " inputs from " << corpus.size()
            << " corpus files in " << seconds << " s: 0 crashes, 0 hangs, 0 disagreements; "
            << loadedOk << " loaded valid; slowest pair of loads " << slowestMs
            << " ms; peak resident memory " << peakRssMib() << " MiB\n";
  return 0;
}
