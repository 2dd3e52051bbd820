// The report's six formats (docs/ci.md). Every path printed is the
// repository-relative one `build` checked; bodies are escaped for each
// format (XML, Markdown, workflow commands), never trusted.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

#include "server/report/report.h"
#include "server/store/event.h"

namespace tacit::report {

namespace {

using json = nlohmann::json;

// The bytes of the control character at s[i] (C0 and DEL: 1; C1, U+0080 to
// U+009F: 2), or 0: what no field may carry raw into a terminal, a CI log
// or a rendered page (a new line, an escape sequence; U+009B is CSI).
size_t controlAt(const std::string& s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x20 || c == 0x7F) return 1;
  if (c == 0xC2 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0x80) return 2;
  return 0;
}

// `s` with each control character replaced by `replace(code point)`.
template <typename Replace>
std::string replaceControls(const std::string& s, Replace replace) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (const size_t n = controlAt(s, i)) {
      out += replace(n == 1 ? static_cast<unsigned char>(s[i]) : static_cast<unsigned char>(s[i + 1]));
      i += n - 1;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string spaces(const std::string& s) {
  return replaceControls(s, [](unsigned char) { return std::string(" "); });
}

// The first line of a body, cut to `max`, with control characters (a
// terminal's escape sequences in a CI log) turned into spaces.
std::string firstLine(const std::string& text, size_t max = 100) {
  std::string line = spaces(text.substr(0, text.find('\n')));
  if (line.size() <= max) return line;
  size_t at = max;
  while (at > 0 && (static_cast<unsigned char>(line[at]) & 0xC0) == 0x80) --at;
  return line.substr(0, at) + "…";
}

// A field of the text report as a terminal or a CI log may show it: every
// control character (C0, DEL, C1) written out as \xHH (C1: \u0085), so no
// field starts a line, a workflow command or an escape sequence.
std::string visible(const std::string& s) {
  return replaceControls(s, [](unsigned char code) {
    char out[8];
    std::snprintf(out, sizeof out, code < 0x80 ? "\\x%02x" : "\\u%04x", code);
    return std::string(out);
  });
}

std::string place(const Finding& f) {
  if (f.location.path.empty()) return "(no place)";
  std::string out = f.location.path + ":" + std::to_string(f.location.startLine);
  if (f.location.endLine != f.location.startLine) out += "-" + std::to_string(f.location.endLine);
  if (f.location.status != anchor::Status::Exact) out += " (" + std::string(anchor::toString(f.location.status)) + ")";
  return out;
}

std::string plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string what(const Report& r) {
  const auto& k = r.options.kinds;
  const bool onlyQuestions = k.size() == 1 && k[0] == store::ThreadKind::Question;
  std::string noun = onlyQuestions ? "question" : "thread";
  std::string adjective = r.options.state == StateFilter::Unanswered ? "unanswered "
                          : r.options.state == StateFilter::Open   ? "open "
                                                                   : "";
  std::string out = plural(r.findings.size(), (adjective + noun).c_str(), (adjective + noun + "s").c_str());
  if (r.summary.stale) out += " (" + std::to_string(r.summary.stale) + " stale)";
  return out;
}

// "for bob@example.com; acknowledged after 2h; answered after 1d"
std::string waitingText(const Finding& f) {
  std::string out;
  if (f.thread.kind == store::ThreadKind::Question)
    out = f.thread.assignees.empty() ? "for nobody yet" : "for " + [&] {
      std::string s;
      for (const auto& a : f.thread.assignees) s += (s.empty() ? "" : ", ") + a;
      return s;
    }();
  if (f.firstAckMillis) out += "; acknowledged after " + humanDuration(*f.firstAckMillis);
  if (f.answerMillis) out += "; answered after " + humanDuration(*f.answerMillis);
  return out;
}

std::string label(const Finding& f) {
  switch (f.rule) {
    case Rule::StaleQuestion: return "STALE";
    case Rule::UnansweredQuestion: return "WAITING";
    case Rule::AnsweredQuestion: return "ANSWERED";
    case Rule::ResolvedQuestion: return "RESOLVED";
    case Rule::Note: return "NOTE";
    case Rule::Lesson: return "LESSON";
  }
  return "";
}

std::string percentText(const Percentiles& p) {
  if (!p.count) return "none yet";
  return "median " + humanDuration(*p.medianMillis) + ", p90 " + humanDuration(*p.p90Millis) + " (" +
         std::to_string(p.count) + ")";
}

std::string windowText(const Report& r) { return humanDuration(r.options.windowMillis); }

json percentJson(const Percentiles& p) {
  auto seconds = [](const std::optional<int64_t>& m) { return m ? json(*m / 1000) : json(nullptr); };
  return {{"count", p.count}, {"medianSeconds", seconds(p.medianMillis)}, {"p90Seconds", seconds(p.p90Millis)}};
}

json assigneesJson(const Summary& s) {
  json out = json::object();
  for (const auto& [who, n] : s.unansweredByAssignee) out[who.empty() ? "(nobody)" : who] = n;
  return out;
}

std::string text(const Report& r) {
  std::ostringstream out;
  // Every field through visible(): the data came from other clones.
  out << "tacit report: " << what(r) << " at " << (r.head.empty() ? "no commit" : r.head.substr(0, 12));
  if (!r.changedSince.empty()) out << ", on lines changed since " << r.changedSince.substr(0, 12);
  out << " (" << store::formatTimestamp(r.generatedAt) << ")\n";
  for (const auto& f : r.findings) {
    out << "  " << label(f) << (f.fails ? "!" : "") << "  " << visible(f.thread.id.substr(0, 8)) << "  "
        << visible(place(f)) << "  \"" << visible(firstLine(f.thread.body)) << "\"  "
        << (f.thread.kind == store::ThreadKind::Question ? "asked" : "written") << " by "
        << visible(f.thread.author.name) << " " << humanDuration(f.ageMillis) << " ago";
    const std::string w = waitingText(f);
    if (!w.empty()) out << ", " << visible(w);
    out << "\n";
  }
  out << "Waiting times (" << plural(r.summary.windowQuestions, "question", "questions") << " asked in the last "
      << windowText(r) << "): first acknowledgement " << percentText(r.summary.firstAck) << "; answer "
      << percentText(r.summary.answer) << "\n";
  if (!r.summary.unansweredByAssignee.empty()) {
    out << "Unanswered by assignee:";
    bool first = true;
    for (const auto& [who, n] : r.summary.unansweredByAssignee) {
      out << (first ? " " : ", ") << (who.empty() ? "(nobody)" : visible(who)) << " " << n;
      first = false;
    }
    out << "\n";
  }
  for (const auto& w : r.warnings) out << "warning: " << visible(w) << "\n";
  if (r.options.failOn != FailOn::None)
    out << (r.summary.failing ? plural(r.summary.failing, "finding fails", "findings fail") + " --fail-on"
                              : std::string("nothing fails --fail-on"))
        << " " << (r.options.failOn == FailOn::Stale ? "stale" : "unanswered") << "\n";
  return out.str();
}

json findingJson(const Finding& f) {
  json location = nullptr;
  if (!f.location.path.empty())
    location = {{"path", f.location.path},
                {"start_line", f.location.startLine},
                {"end_line", f.location.endLine},
                {"status", anchor::toString(f.location.status)},
                {"confidence", f.location.confidence}};
  auto seconds = [](const std::optional<int64_t>& m) { return m ? json(*m / 1000) : json(nullptr); };
  return {{"rule", ruleId(f.rule)},
          {"fails", f.fails},
          {"id", f.thread.id},
          {"kind", store::toString(f.thread.kind)},
          {"state", store::toString(f.thread.state)},
          {"title", firstLine(f.thread.body, 200)},
          {"body", f.thread.body},
          {"author", {{"name", f.thread.author.name}, {"email", f.thread.author.email}}},
          {"assignees", f.thread.assignees},
          {"created_at", store::formatTimestamp(f.thread.createdAt)},
          {"location", location},
          {"ageSeconds", f.ageMillis / 1000},
          {"firstAckSeconds", seconds(f.firstAckMillis)},
          {"answerSeconds", seconds(f.answerMillis)}};
}

std::string jsonReport(const Report& r, const std::string& version) {
  json findings = json::array();
  for (const auto& f : r.findings) findings.push_back(findingJson(f));
  const auto& s = r.summary;
  json out = {{"version", 1},
              {"tool", {{"name", "tacit"}, {"version", version}}},
              {"generatedAt", store::formatTimestamp(r.generatedAt)},
              {"head", r.head.empty() ? json(nullptr) : json(r.head)},
              {"changedSince", r.changedSince.empty() ? json(nullptr) : json(r.changedSince)},
              {"findings", findings},
              {"summary",
               {{"findings", s.findings},
                {"unanswered", s.unanswered},
                {"stale", s.stale},
                {"failing", s.failing},
                {"windowSeconds", r.options.windowMillis / 1000},
                {"windowQuestions", s.windowQuestions},
                {"firstAck", percentJson(s.firstAck)},
                {"answer", percentJson(s.answer)},
                {"unansweredByAssignee", assigneesJson(s)}}},
              {"warnings", r.warnings}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

const char* sarifLevel(const Finding& f) {
  if (f.fails) return "error";
  switch (f.rule) {
    case Rule::StaleQuestion:
    case Rule::UnansweredQuestion: return "warning";
    case Rule::AnsweredQuestion:
    case Rule::Note:
    case Rule::Lesson: return "note";
    case Rule::ResolvedQuestion: return "none";
  }
  return "note";
}

constexpr Rule kRules[] = {Rule::StaleQuestion, Rule::UnansweredQuestion, Rule::AnsweredQuestion,
                           Rule::ResolvedQuestion, Rule::Note, Rule::Lesson};

// What code scanning shows for a rule (GitHub requires both): what the
// finding means and what to do about it.
struct RuleHelp {
  const char* full;  // fullDescription
  const char* help;  // help, plain text; `code` is the same in Markdown
};

RuleHelp ruleHelp(Rule r) {
  switch (r) {
    case Rule::StaleQuestion:
      return {"A teammate asked a question about these lines, anchored to them with Tacit, and it has waited longer "
              "than the team's limit (tacit report --stale-after, 7 days by default) without an answer.",
              "Answer it where it was asked: `tacit answer ID -m TEXT` or in the editor. If the answer needs time, "
              "acknowledge it (`tacit ack ID`) so the asker can move on. `tacit show ID` shows the question, its "
              "code and who it is for."};
    case Rule::UnansweredQuestion:
      return {"A teammate asked a question about these lines, anchored to them with Tacit, and nobody has answered "
              "it yet.",
              "Answer it where it was asked: `tacit answer ID -m TEXT` or in the editor, or acknowledge it "
              "(`tacit ack ID`) if the answer needs time. `tacit show ID` shows the question, its code and who it is "
              "for."};
    case Rule::AnsweredQuestion:
      return {"A question about these lines was answered, and the asker has not resolved it yet.",
              "Read the answer with `tacit show ID`; resolve the question (`tacit resolve ID`) when it is settled, or "
              "reply to go on."};
    case Rule::ResolvedQuestion:
      return {"A question about these lines was asked, answered and resolved: what the team learned about this code.",
              "`tacit show ID` shows the question and its answer. Nothing to do."};
    case Rule::Note:
      return {"A note a teammate attached to these lines with Tacit.",
              "`tacit show ID` shows it; edit or delete it there if it no longer holds."};
    case Rule::Lesson:
      return {"A lesson learned that a teammate attached to these lines with Tacit, to read before changing them.",
              "`tacit show ID` shows it; edit or delete it there if it no longer holds."};
  }
  return {"", ""};
}

// `code` spans are Markdown; the text form drops the backquotes.
std::string plainText(const char* markdown) {
  std::string out(markdown);
  out.erase(std::remove(out.begin(), out.end(), '`'), out.end());
  return out;
}

std::string sarif(const Report& r, const std::string& version) {
  json rules = json::array();
  for (Rule rule : kRules)
    rules.push_back({{"id", std::string("tacit/") + ruleId(rule)},
                     {"shortDescription", {{"text", ruleDescription(rule)}}},
                     {"fullDescription", {{"text", ruleHelp(rule).full}}},
                     {"help", {{"text", plainText(ruleHelp(rule).help)}, {"markdown", ruleHelp(rule).help}}},
                     {"defaultConfiguration",
                      {{"level", rule == Rule::StaleQuestion || rule == Rule::UnansweredQuestion ? "warning"
                                 : rule == Rule::ResolvedQuestion                                ? "none"
                                                                                                 : "note"}}}});
  json results = json::array();
  for (const auto& f : r.findings) {
    size_t index = 0;
    while (kRules[index] != f.rule) ++index;
    std::string message = std::string(label(f)) + ": " + firstLine(f.thread.body, 200) + " (" +
                          (f.thread.kind == store::ThreadKind::Question ? "asked" : "written") + " by " +
                          f.thread.author.name + " " + humanDuration(f.ageMillis) + " ago";
    const std::string w = waitingText(f);
    if (!w.empty()) message += ", " + w;
    message += "; tacit show " + f.thread.id.substr(0, 8) + ")";
    if (f.location.status == anchor::Status::Orphaned && !f.location.path.empty())
      message += " Its lines could not be followed to this commit: this is where they were last seen.";
    json result = {{"ruleId", std::string("tacit/") + ruleId(f.rule)},
                   {"ruleIndex", index},
                   {"level", sarifLevel(f)},
                   {"message", {{"text", message}}},
                   {"partialFingerprints", {{"tacitThread/v1", f.thread.id}}},
                   {"properties",
                    {{"threadId", f.thread.id},
                     {"ageSeconds", f.ageMillis / 1000},
                     {"anchorStatus", anchor::toString(f.location.status)}}}};
    if (!f.location.path.empty())  // an orphaned thread where it was last seen (its message says so)
      result["locations"] = json::array(
          {{{"physicalLocation",
             {{"artifactLocation", {{"uri", store::percentEncodePath(f.location.path)}, {"uriBaseId", "SRCROOT"}}},
              {"region", {{"startLine", f.location.startLine}, {"endLine", f.location.endLine}}}}}}});
    results.push_back(std::move(result));
  }
  json notifications = json::array();
  for (const auto& w : r.warnings) notifications.push_back({{"level", "warning"}, {"message", {{"text", w}}}});
  json run = {{"tool",
               {{"driver",
                 {{"name", "tacit"},
                  {"version", version},
                  {"semanticVersion", version},
                  {"informationUri", "https://github.com/tacit-dev/tacit"},
                  {"rules", rules}}}}},
              {"automationDetails", {{"id", "tacit/report/"}}},
              {"invocations", {{{"executionSuccessful", true}, {"toolExecutionNotifications", notifications}}}},
              {"results", results},
              {"properties",
               {{"findings", r.summary.findings},
                {"unanswered", r.summary.unanswered},
                {"stale", r.summary.stale},
                {"failing", r.summary.failing},
                {"windowSeconds", r.options.windowMillis / 1000},
                {"windowQuestions", r.summary.windowQuestions},
                {"firstAck", percentJson(r.summary.firstAck)},
                {"answer", percentJson(r.summary.answer)},
                {"unansweredByAssignee", assigneesJson(r.summary)}}}};
  if (!r.head.empty())
    run["versionControlProvenance"] = json::array({{{"repositoryUri", "urn:tacit:repository"}, {"revisionId", r.head}, {"mappedTo", {{"uriBaseId", "SRCROOT"}}}}});
  json out = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", {run}}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// XML 1.0 text: the five entities escaped, and every character XML 1.0
// cannot hold (C0 controls but tab and newlines, surrogates, U+FFFE, U+FFFF)
// dropped; bytes that are not UTF-8 become U+FFFD.
std::string xml(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    uint32_t code = length == 1 ? c : length == 2 ? (c & 0x1F) : length == 3 ? (c & 0x0F) : (c & 0x07);
    bool valid = length != 0 && i + length <= s.size();
    for (size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) valid = false;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms and code points past U+10FFFF are not UTF-8 either.
    if (valid && ((length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                  (length == 4 && (code < 0x10000 || code > 0x10FFFF))))
      valid = false;
    if (!valid) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    const bool allowed = code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
                         (code >= 0xE000 && code <= 0xFFFD) || code >= 0x10000;
    if (allowed) {
      switch (code) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out.append(s, i, length);
      }
    }
    i += length;
  }
  return out;
}

std::string junit(const Report& r) {
  std::ostringstream out;
  const std::string tests = std::to_string(r.findings.size()), failures = std::to_string(r.summary.failing);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"tacit\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\"0\">\n"
      << "  <testsuite name=\"tacit report\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"0\" timestamp=\"" << store::formatTimestamp(r.generatedAt).substr(0, 19) << "\">\n";
  for (const auto& f : r.findings) {
    out << "    <testcase classname=\"" << xml(f.location.path.empty() ? "(no place)" : f.location.path)
        << "\" name=\"" << xml(f.thread.id.substr(0, 8) + " " + firstLine(f.thread.body)) << "\" time=\"0\"";
    const std::string detail = place(f) + "\n" + f.thread.body + "\n" +
                               (f.thread.kind == store::ThreadKind::Question ? "asked" : "written") + " by " +
                               f.thread.author.name + " <" + f.thread.author.email + "> " +
                               humanDuration(f.ageMillis) + " ago" +
                               (waitingText(f).empty() ? "" : ", " + waitingText(f));
    if (f.fails) {
      out << ">\n      <failure type=\"" << ruleId(f.rule) << "\" message=\""
          << xml(std::string(label(f)) + ": unanswered for " + humanDuration(f.ageMillis)) << "\">" << xml(detail)
          << "</failure>\n    </testcase>\n";
    } else {
      out << ">\n      <system-out>" << xml(detail) << "</system-out>\n    </testcase>\n";
    }
  }
  if (!r.warnings.empty()) {
    out << "    <system-err>";
    for (const auto& w : r.warnings) out << xml("warning: " + w) << "\n";
    out << "</system-err>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

// Workflow command escaping (GitHub's toolkit): data escapes %, \r, \n;
// property values also : and ,. Other control characters (a terminal's
// escape sequences, which the log would render) become spaces.
std::string ghData(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return spaces(out);
}
std::string ghProperty(const std::string& s) {
  std::string out;
  for (char c : ghData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::string github(const Report& r) {
  std::ostringstream out;
  for (const auto& f : r.findings) {
    const char* command = f.fails ? "error"
                          : (f.rule == Rule::StaleQuestion || f.rule == Rule::UnansweredQuestion) ? "warning"
                                                                                                   : "notice";
    std::string title = std::string(label(f)) + " " + f.thread.id.substr(0, 8) + " by " + f.thread.author.name;
    out << "::" << command;
    out << " ";
    if (!f.location.path.empty()) {
      out << "file=" << ghProperty(f.location.path) << ",";
      if (f.location.status != anchor::Status::Orphaned)  // its lines are gone: the file only
        out << "line=" << f.location.startLine << ",endLine=" << f.location.endLine << ",";
    }
    out << "title=" << ghProperty(title) << "::"
        << ghData(firstLine(f.thread.body, 200) + "\n" + humanDuration(f.ageMillis) + " old" +
                  (waitingText(f).empty() ? "" : ", " + waitingText(f)))
        << "\n";
  }
  for (const auto& w : r.warnings) out << "::warning title=tacit report::" << ghData(w) << "\n";
  out << "::notice title=tacit report::" << ghData(what(r) + "; waiting times: first acknowledgement " +
                                                   percentText(r.summary.firstAck) + ", answer " +
                                                   percentText(r.summary.answer))
      << "\n";
  return out.str();
}

// A table cell: one line, pipes and HTML escaped, no links: neither
// Markdown's [text](url) nor the bare URLs GitHub links by itself
// ("https://…", "www.…"), whose ':' or '.' is escaped (still shown as is).
std::string cell(const std::string& text) {
  const std::string s = spaces(text);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool wordStart = i == 0 || !std::isalnum(static_cast<unsigned char>(s[i - 1]));
    if (c == '|') out += "\\|";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '`') out += "\\`";
    else if (c == '[' || c == ']') out += std::string("\\") + c;  // no links or images from a body
    else if (c == ':' && s.compare(i + 1, 2, "//") == 0) out += "\\:";
    else if (wordStart && i + 4 <= s.size() && (s[i] | 0x20) == 'w' && (s[i + 1] | 0x20) == 'w' &&
             (s[i + 2] | 0x20) == 'w' && s[i + 3] == '.') {
      out.append(s, i, 3) += "\\.";
      i += 3;
    } else out += c;
  }
  return out;
}

std::string markdown(const Report& r) {
  std::ostringstream out;
  out << "## Tacit: " << what(r) << "\n\n";
  if (!r.findings.empty()) {
    out << "| | Question | Where | Asked | Waiting |\n|---|---|---|---|---|\n";
    for (const auto& f : r.findings) {
      const char* mark = f.fails ? "❌" : f.rule == Rule::StaleQuestion ? "⚠️" : f.rule == Rule::UnansweredQuestion ? "⏳" : "ℹ️";
      out << "| " << mark << " " << label(f) << " | " << cell(firstLine(f.thread.body)) << " <sub>"
          << f.thread.id.substr(0, 8) << "</sub> | " << cell(place(f)) << " | " << cell(f.thread.author.name) << ", "
          << humanDuration(f.ageMillis) << " ago | " << cell(waitingText(f)) << " |\n";
    }
    out << "\n";
  }
  const auto& s = r.summary;
  out << "### Waiting times\n\nQuestions asked in the last " << windowText(r) << ": " << s.windowQuestions
      << ".\n\n| | count | median | p90 |\n|---|---|---|---|\n";
  auto row = [&](const char* name, const Percentiles& p) {
    out << "| " << name << " | " << p.count << " | " << (p.medianMillis ? humanDuration(*p.medianMillis) : "–")
        << " | " << (p.p90Millis ? humanDuration(*p.p90Millis) : "–") << " |\n";
  };
  row("first acknowledgement", s.firstAck);
  row("answer", s.answer);
  if (!s.unansweredByAssignee.empty()) {
    out << "\n### Unanswered by assignee\n\n| assignee | questions |\n|---|---|\n";
    for (const auto& [who, n] : s.unansweredByAssignee) out << "| " << cell(who.empty() ? "(nobody)" : who) << " | " << n << " |\n";
  }
  if (!r.warnings.empty()) {
    out << "\n### Warnings\n\n";
    for (const auto& w : r.warnings) out << "- " << cell(w) << "\n";
  }
  return out.str();
}

}  // namespace

std::string render(const Report& report, Format format, const std::string& version) {
  switch (format) {
    case Format::Text: return text(report);
    case Format::Json: return jsonReport(report, version);
    case Format::Sarif: return sarif(report, version);
    case Format::Junit: return junit(report);
    case Format::Github: return github(report);
    case Format::Markdown: return markdown(report);
  }
  return text(report);
}

}  // namespace tacit::report
