#include "server/store/walkthroughs.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/write_rules.h"

namespace tacit::store {
namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

Walkthrough fromThread(Store& store, Thread t) {
  Walkthrough w;
  const auto newline = t.body.find('\n');
  w.title = trimmed(t.body.substr(0, newline));
  w.description = newline == std::string::npos ? "" : trimmed(t.body.substr(newline + 1));
  for (const auto& id : t.chapters)
    if (auto note = store.index().get(id)) w.chapters.push_back(std::move(*note));
  w.thread = std::move(t);
  return w;
}

std::vector<std::string> order(const Walkthrough& w) {
  std::vector<std::string> ids;
  for (const auto& c : w.chapters) ids.push_back(c.id);
  return ids;
}

Store::Append chaptersEvent(const Walkthrough& w, const std::vector<std::string>& ids) {
  return {w.thread.id, EventType::Chapters, json{{"chapters", ids}}};
}

std::string count(size_t n) { return std::to_string(n) + (n == 1 ? " chapter" : " chapters"); }

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A fence longer than any run of backticks in the code.
std::string fenceFor(const std::string& code) {
  size_t longest = 0, run = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

// The info string of a fenced block, from the file's extension.
std::string language(const std::string& path) {
  static const std::pair<const char*, const char*> kLanguages[] = {
      {".c", "c"},     {".h", "cpp"},       {".cc", "cpp"},   {".cpp", "cpp"},   {".hpp", "cpp"},
      {".cxx", "cpp"}, {".py", "python"},   {".js", "javascript"}, {".ts", "typescript"},
      {".go", "go"},   {".rs", "rust"},     {".java", "java"}, {".kt", "kotlin"}, {".rb", "ruby"},
      {".sh", "sh"},   {".lua", "lua"},     {".cmake", "cmake"}, {".json", "json"}, {".yml", "yaml"},
      {".yaml", "yaml"}, {".md", "markdown"}, {".sql", "sql"}, {".cs", "csharp"}, {".swift", "swift"}};
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  const std::string ext = path.substr(dot);
  for (const auto& [suffix, name] : kLanguages)
    if (ext == suffix) return name;
  return "";
}

// Bodies are Markdown written by people: kept as they are, except that links
// never run editor commands (DESIGN.md, security).
std::string withoutCommandLinks(std::string text) {
  size_t at = 0;
  while ((at = text.find("](command:", at)) != std::string::npos) {
    text.replace(at, 10, "](#command-");
    at += 11;
  }
  return text;
}

std::string lines(const anchor::Location& at) {
  std::string out = at.path + ":" + std::to_string(at.startLine);
  if (at.endLine != at.startLine) out += "-" + std::to_string(at.endLine);
  return out;
}

void codeBlock(std::string& md, const std::string& path, std::string code) {
  if (!code.empty() && code.back() != '\n') code += '\n';
  const std::string fence = fenceFor(code);
  md += fence + language(path) + "\n" + code + fence + "\n";
}

json authorJson(const Author& a) { return {{"name", a.name}, {"email", a.email}}; }

}  // namespace

std::string firstLineOf(const std::string& body) { return trimmed(body.substr(0, body.find('\n'))); }

Walkthrough Walkthroughs::get(const std::string& id) {
  const std::string full = store_.index().resolve(id);
  auto t = store_.index().get(full);
  if (!t) throw StoreError("unknown id " + id);
  if (t->kind != ThreadKind::Walkthrough)
    throw StoreError("not a walkthrough: " + full.substr(0, 12) + " is a " + std::string(toString(t->kind)));
  return fromThread(store_, std::move(*t));
}

std::vector<Walkthrough> Walkthroughs::list() {
  std::vector<Walkthrough> out;
  ThreadFilter filter;
  filter.kind = ThreadKind::Walkthrough;
  for (auto& t : store_.index().list(filter)) out.push_back(fromThread(store_, std::move(t)));
  return out;
}

std::vector<Thread> Walkthroughs::unordered(const Walkthrough& w) {
  std::vector<Thread> out;
  for (auto& t : store_.index().list({})) {
    auto it = t.context.find("walkthrough");
    if (it == t.context.end() || *it != w.thread.id) continue;
    if (std::none_of(w.chapters.begin(), w.chapters.end(), [&](const Thread& c) { return c.id == t.id; }))
      out.push_back(std::move(t));
  }
  return out;
}

void Walkthroughs::checkPosition(const Walkthrough& w, size_t position, size_t last, const char* what) {
  if (position == 0) throw StoreError(std::string(what) + " 0: chapters are numbered from 1");
  if (position > last)
    throw StoreError(std::string(what) + " " + std::to_string(position) + " is out of range: \"" + w.title +
                     "\" has " + count(w.chapters.size()) +
                     (last > w.chapters.size() ? " (a new one can be 1-" + std::to_string(last) + ")" : ""));
}

size_t Walkthroughs::position(const Walkthrough& w, const std::string& ref) {
  const bool number = !ref.empty() && ref.size() <= 3 && ref.find_first_not_of("0123456789") == std::string::npos;
  if (number) {
    const size_t p = std::stoul(ref);
    checkPosition(w, p, w.chapters.size(), "chapter");
    return p;
  }
  const bool hex = !ref.empty() && ref.size() <= 32 && ref.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex) throw StoreError("expected a chapter's position or its note's id, got \"" + ref.substr(0, 80) + "\"");
  if (ref.size() < 4) throw StoreError("id prefix \"" + ref + "\" is too short (use at least 4 characters)");
  std::optional<size_t> found;
  for (size_t i = 0; i < w.chapters.size(); ++i) {
    if (w.chapters[i].id.compare(0, ref.size(), ref) != 0) continue;
    if (found) throw StoreError("ambiguous chapter id prefix " + ref);
    found = i + 1;
  }
  if (!found) throw StoreError("no chapter of \"" + w.title + "\" has the id " + ref);
  return *found;
}

WalkthroughPlan Walkthroughs::create(const std::string& title, const std::string& description) {
  const std::string t = trimmed(title);
  if (t.empty()) throw StoreError("a walkthrough needs a title");
  if (t.find('\n') != std::string::npos) throw StoreError("a title is one line; put the rest in the description");
  if (t.size() > kMaxTitleBytes)
    throw StoreError("the title is longer than " + std::to_string(kMaxTitleBytes) + " bytes");
  WalkthroughPlan plan;
  Store::NewThread w;
  w.kind = ThreadKind::Walkthrough;
  w.id = newId();
  const std::string d = trimmed(description);
  w.body = d.empty() ? t : t + "\n\n" + d;
  if (w.body.size() > kMaxBodyBytes) throw StoreError("the description is longer than 64 KiB");
  plan.subject = w.id;
  plan.created = std::move(w);
  return plan;
}

WalkthroughPlan Walkthroughs::addChapter(const Walkthrough& w, const Anchor& anchor, const std::string& text,
                                         std::optional<size_t> position) {
  if (isBlank(text)) throw StoreError("a chapter needs its text");
  if (text.size() > kMaxBodyBytes) throw StoreError("the chapter's text is longer than 64 KiB");
  if (w.chapters.size() >= kMaxChapters)
    throw StoreError("a walkthrough holds at most " + std::to_string(kMaxChapters) + " chapters");
  const size_t at = position.value_or(w.chapters.size() + 1);
  checkPosition(w, at, w.chapters.size() + 1, "position");
  WalkthroughPlan plan;
  Store::NewThread note;
  note.kind = ThreadKind::Note;
  note.id = newId();
  note.body = text;
  note.isPrivate = w.thread.isPrivate;  // a chapter lives where its walkthrough does
  note.anchor = anchor;
  note.context = {{"walkthrough", w.thread.id}};
  auto ids = order(w);
  ids.insert(ids.begin() + static_cast<std::ptrdiff_t>(at - 1), note.id);
  plan.subject = note.id;
  plan.created = std::move(note);
  plan.events.push_back(chaptersEvent(w, ids));
  return plan;
}

WalkthroughPlan Walkthroughs::addNote(const Walkthrough& w, const std::string& note, std::optional<size_t> position) {
  auto t = store_.index().get(note);
  if (!t) throw StoreError("unknown id " + note);
  if (t->kind != ThreadKind::Note && t->kind != ThreadKind::Lesson)
    throw StoreError("a chapter is a note or a lesson; " + note.substr(0, 12) + " is a " +
                     std::string(toString(t->kind)));
  if (t->isPrivate != w.thread.isPrivate)
    throw StoreError(std::string("a ") + (t->isPrivate ? "private" : "shared") + " note cannot be a chapter of a " +
                     (w.thread.isPrivate ? "private" : "shared") + " walkthrough");
  for (size_t i = 0; i < w.chapters.size(); ++i)
    if (w.chapters[i].id == note)
      throw StoreError(note.substr(0, 12) + " is already chapter " + std::to_string(i + 1) + " of \"" + w.title + "\"");
  if (w.chapters.size() >= kMaxChapters)
    throw StoreError("a walkthrough holds at most " + std::to_string(kMaxChapters) + " chapters");
  const size_t at = position.value_or(w.chapters.size() + 1);
  checkPosition(w, at, w.chapters.size() + 1, "position");
  auto ids = order(w);
  ids.insert(ids.begin() + static_cast<std::ptrdiff_t>(at - 1), note);
  WalkthroughPlan plan;
  plan.subject = w.thread.id;
  plan.events.push_back(chaptersEvent(w, ids));
  return plan;
}

WalkthroughPlan Walkthroughs::move(const Walkthrough& w, size_t from, size_t to) {
  checkPosition(w, from, w.chapters.size(), "chapter");
  checkPosition(w, to, w.chapters.size(), "position");
  WalkthroughPlan plan;
  plan.subject = w.thread.id;
  if (from == to) return plan;  // already there
  auto ids = order(w);
  std::string id = ids[from - 1];
  ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(from - 1));
  ids.insert(ids.begin() + static_cast<std::ptrdiff_t>(to - 1), id);
  plan.events.push_back(chaptersEvent(w, ids));
  return plan;
}

WalkthroughPlan Walkthroughs::remove(const Walkthrough& w, size_t position, bool deleteNote) {
  checkPosition(w, position, w.chapters.size(), "chapter");
  auto ids = order(w);
  const std::string id = ids[position - 1];
  ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(position - 1));
  WalkthroughPlan plan;
  plan.subject = w.thread.id;
  plan.events.push_back(chaptersEvent(w, ids));
  if (deleteNote) plan.events.push_back({id, EventType::Tombstone, json::object()});
  return plan;
}

ChapterPlace Walkthroughs::place(Locations& locations, const Thread& chapter, const OpenText& open) {
  ChapterPlace out;
  anchor::Location at = locations.inWorkTree(chapter);
  std::optional<std::string> text;
  if (open && !at.path.empty() && (text = open(at.path))) at = locations.inText(chapter, at.path, *text);
  if (!text && !at.path.empty()) text = readFile(store_.workdir() + at.path);
  out.location = at;
  if (at.status == anchor::Status::Orphaned || !text || at.startLine == 0) return out;
  const auto all = anchor::splitLines(*text);
  std::string code;
  for (uint32_t i = at.startLine; i <= at.endLine && i <= all.size(); ++i) code += all[i - 1];
  out.code = std::move(code);
  return out;
}

std::string Walkthroughs::exportMarkdown(const Walkthrough& w, const OpenText& open) {
  std::string md = "# " + w.title + "\n\n";
  if (!w.description.empty()) md += withoutCommandLinks(w.description) + "\n\n";
  if (w.chapters.empty()) md += "_No chapters yet._\n";
  Locations locations(store_);
  for (size_t i = 0; i < w.chapters.size(); ++i) {
    const Thread& c = w.chapters[i];
    const ChapterPlace p = place(locations, c, open);
    const auto newline = c.body.find('\n');
    md += "## " + std::to_string(i + 1) + ". " + withoutCommandLinks(firstLineOf(c.body)) + "\n\n";
    if (newline != std::string::npos && !isBlank(c.body.substr(newline + 1)))
      md += withoutCommandLinks(trimmed(c.body.substr(newline + 1))) + "\n\n";
    const anchor::Location& at = p.location;
    if (p.code) {
      md += "`" + lines(at) + "`";
      if (at.status != anchor::Status::Exact)
        md += at.status == anchor::Status::Moved ? " (moved since the chapter was written)"
                                                 : " (changed since the chapter was written)";
      md += "\n\n";
      codeBlock(md, at.path, *p.code);
    } else {
      md += "> The code of this chapter was not found now (orphaned); last seen at `" +
            (at.path.empty() ? c.anchor.path : lines(at)) + "`. The code it was written on:\n\n";
      codeBlock(md, c.anchor.path, c.anchor.text);
    }
    if (i + 1 < w.chapters.size()) md += "\n";
  }
  return md;
}

json walkthroughSummaryJson(const Walkthrough& w) {
  return {{"id", w.thread.id},
          {"title", w.title},
          {"description", w.description},
          {"author", authorJson(w.thread.author)},
          {"created_at", formatTimestamp(w.thread.createdAt)},
          {"updated_at", formatTimestamp(w.thread.updatedAt)},
          {"chapter_count", w.chapters.size()}};
}

json walkthroughJson(const Walkthrough& w, const std::vector<ChapterPlace>& places,
                     const std::vector<Thread>& unordered) {
  json out = walkthroughSummaryJson(w);
  json chapters = json::array();
  for (size_t i = 0; i < w.chapters.size() && i < places.size(); ++i) {
    const Thread& c = w.chapters[i];
    const anchor::Location& at = places[i].location;
    chapters.push_back({{"position", i + 1},
                        {"id", c.id},
                        {"title", firstLineOf(c.body)},
                        {"body", c.body},
                        {"author", authorJson(c.author)},
                        {"location",
                         {{"path", at.path},
                          {"start_line", at.startLine},
                          {"end_line", at.endLine},
                          {"status", anchor::toString(at.status)},
                          {"confidence", std::round(at.confidence * 100) / 100}}},
                        {"anchor",
                         {{"commit", c.anchor.commit},
                          {"path", c.anchor.path},
                          {"start_line", c.anchor.startLine},
                          {"end_line", c.anchor.endLine}}}});
  }
  out["chapters"] = std::move(chapters);
  json loose = json::array();
  for (const auto& t : unordered) loose.push_back({{"id", t.id}, {"title", firstLineOf(t.body)}});
  out["unordered"] = std::move(loose);
  return out;
}

}  // namespace tacit::store
