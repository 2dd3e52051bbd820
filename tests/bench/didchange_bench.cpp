// didChange cost against document size: 10,000 single-character edits on a
// 100-line document (the baseline) and on a 100,000-line one, measured in the
// same invocation so the ratio is meaningful on a noisy, shared machine.
//
// Two paths are measured for each size:
//   store: DocumentStore::change, the document layer alone;
//   lsp:   a serialized textDocument/didChange notification through
//          LspServer::connection().receive(): JSON parse, decode, gate,
//          dispatch and apply, everything but the pipe.
//   flat:  for contrast, the same edits on one flat std::string with a line
//          index rebuilt per edit, which is what O(size of the file) costs.
// Each path is run in several rounds, alternating sizes, and the per-edit
// median over all rounds is reported. The ratio large/small should stay near
// 1 (the edit cost is O(log n + edit), not O(n)).
//
// Usage: tacit-bench-didchange [--edits N] [--rounds R] [--large LINES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/documents/document_store.h"
#include "server/log/log.h"
#include "server/lsp/lsp_server.h"
#include "tests/bench/didchange_bench_core.h"

namespace {

using Clock = std::chrono::steady_clock;
using tacit::documents::ContentChange;
using tacit::documents::PositionEncoding;
using json = nlohmann::json;

struct Workload {
  size_t lines;
  std::string text;
  std::vector<ContentChange> edits;
  std::vector<std::string> bodies;  // the same edits as didChange messages
};

const char* kUri = "file:///bench/document.cpp";

std::string didChangeBody(const ContentChange& change, int64_t version) {
  json range = {{"start", {{"line", change.range->start.line}, {"character", change.range->start.character}}},
                {"end", {{"line", change.range->end.line}, {"character", change.range->end.character}}}};
  json message = {{"jsonrpc", "2.0"},
                  {"method", "textDocument/didChange"},
                  {"params",
                   {{"textDocument", {{"uri", kUri}, {"version", version}}},
                    {"contentChanges", json::array({{{"range", range}, {"text", change.text}}})}}}};
  return message.dump();
}

Workload makeWorkload(size_t lines, size_t edits) {
  Workload w{lines, tacit::bench::makeDocument(lines), {}, {}};
  w.edits = tacit::bench::makeSingleCharEdits(w.text, edits, /*seed=*/0x7ac17 + lines);
  w.bodies.reserve(edits);
  for (size_t i = 0; i < w.edits.size(); ++i) {
    w.bodies.push_back(didChangeBody(w.edits[i], static_cast<int64_t>(i + 1)));
  }
  return w;
}

// Appends one duration per edit, in nanoseconds.
void runStore(const Workload& w, std::vector<double>& samples) {
  tacit::documents::DocumentStore store;
  store.open(kUri, "cpp", 0, w.text);
  std::vector<ContentChange> one(1);
  for (size_t i = 0; i < w.edits.size(); ++i) {
    one[0] = w.edits[i];
    auto start = Clock::now();
    auto outcome = store.change(kUri, static_cast<int64_t>(i + 1), one, PositionEncoding::Utf16);
    auto stop = Clock::now();
    if (!outcome.found || outcome.clamped != 0) {
      std::fprintf(stderr, "edit %zu was not applied cleanly\n", i);
      std::exit(1);
    }
    samples.push_back(std::chrono::duration<double, std::nano>(stop - start).count());
  }
}

void runLsp(const Workload& w, std::vector<double>& samples, std::string& finalText) {
  size_t sent = 0;
  tacit::lsp::LspServer server([&sent](std::string) { ++sent; });
  auto& connection = server.connection();
  connection.receive(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}})");
  connection.receive(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
  json open = {{"jsonrpc", "2.0"},
               {"method", "textDocument/didOpen"},
               {"params", {{"textDocument", {{"uri", kUri}, {"languageId", "cpp"}, {"version", 0}, {"text", w.text}}}}}};
  connection.receive(open.dump());
  for (const std::string& body : w.bodies) {
    auto start = Clock::now();
    connection.receive(body);
    auto stop = Clock::now();
    samples.push_back(std::chrono::duration<double, std::nano>(stop - start).count());
  }
  const auto* document = server.documents().get(kUri);
  if (sent != 1 || document == nullptr || document->version() != static_cast<int64_t>(w.bodies.size())) {
    std::fprintf(stderr, "the server did not apply every didChange\n");
    std::exit(1);
  }
  finalText = document->text();
}

// The naive store: the text in one std::string, the line starts recomputed
// after every edit. Positions are UTF-16, converted on the line as the real
// store does.
void runFlat(const Workload& w, std::vector<double>& samples) {
  std::string text = w.text;
  std::vector<size_t> lineStarts;
  auto index = [&] {
    lineStarts.assign(1, 0);
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') lineStarts.push_back(i + 1);
  };
  index();
  auto offset = [&](tacit::documents::TextPosition p) {
    size_t start = lineStarts[p.line];
    size_t end = p.line + 1 < lineStarts.size() ? lineStarts[p.line + 1] - 1 : text.size();
    std::string_view line(text.data() + start, end - start);
    return start + tacit::documents::byteOffsetInLine(line, p.character, PositionEncoding::Utf16);
  };
  for (const auto& e : w.edits) {
    auto start = Clock::now();
    size_t from = offset(e.range->start), to = offset(e.range->end);
    text.replace(from, to - from, e.text);
    index();
    auto stop = Clock::now();
    samples.push_back(std::chrono::duration<double, std::nano>(stop - start).count());
  }
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

size_t flagValue(int argc, char** argv, const char* name, size_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::strtoull(argv[i + 1], nullptr, 10);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  tacit::log::setLevel(tacit::log::Level::Warn);
  const size_t edits = flagValue(argc, argv, "--edits", 10000);
  const size_t rounds = std::max<size_t>(1, flagValue(argc, argv, "--rounds", 5));
  const size_t largeLines = flagValue(argc, argv, "--large", 100000);

  Workload small = makeWorkload(100, edits);
  Workload large = makeWorkload(largeLines, edits);

  // Check once that both paths produce the text the edits were generated
  // against, so the numbers measure correct work.
  for (const Workload* w : {&small, &large}) {
    tacit::documents::TextDocument expected("bench://document", "cpp", 0, w->text);
    for (const auto& e : w->edits) expected.apply(e, PositionEncoding::Utf16);
    std::vector<double> ignored;
    std::string lspText;
    runLsp(*w, ignored, lspText);
    if (lspText != expected.text()) {
      std::fprintf(stderr, "the LSP path produced a different text for %zu lines\n", w->lines);
      return 1;
    }
  }

  std::vector<double> storeSmall, storeLarge, lspSmall, lspLarge, flatSmall, flatLarge;
  for (size_t r = 0; r < rounds; ++r) {
    runStore(small, storeSmall);
    runStore(large, storeLarge);
    std::string ignored;
    runLsp(small, lspSmall, ignored);
    runLsp(large, lspLarge, ignored);
  }
  // The flat reference is O(n) per edit: one round, fewer edits on the large text.
  runFlat(small, flatSmall);
  Workload largeFew = large;
  largeFew.edits.resize(std::min<size_t>(largeFew.edits.size(), 300));
  runFlat(largeFew, flatLarge);

  std::printf("didChange benchmark: %zu single-character edits x %zu rounds, UTF-16 positions\n",
              edits, rounds);
  std::printf("%-6s %12s %14s %14s %14s %8s\n", "path", "lines", "median ns", "p90 ns", "p99 ns", "ratio");
  auto report = [](const char* path, const Workload& w, const std::vector<double>& s, double base) {
    double m = median(s);
    std::printf("%-6s %12zu %14.0f %14.0f %14.0f %8.2f\n", path, w.lines, m, percentile(s, 0.9),
                percentile(s, 0.99), m / base);
  };
  double storeBase = median(storeSmall);
  double lspBase = median(lspSmall);
  report("store", small, storeSmall, storeBase);
  report("store", large, storeLarge, storeBase);
  report("lsp", small, lspSmall, lspBase);
  report("lsp", large, lspLarge, lspBase);
  double flatBase = median(flatSmall);
  report("flat", small, flatSmall, flatBase);
  report("flat", large, flatLarge, flatBase);
  std::printf("ratio = median(%zu lines) / median(100 lines); 1.0 means the cost does not grow with size\n"
              "(flat: a std::string with its line index rebuilt per edit, for contrast; %zu edits)\n",
              largeLines, flatLarge.size());
  return 0;
}
