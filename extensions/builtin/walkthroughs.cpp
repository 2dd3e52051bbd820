#include "extensions/builtin/walkthroughs.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "extensions/builtin/common.h"
#include "protocol/decode.h"
#include "server/host/knowledge.h"
#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/walkthroughs.h"
#include "server/store/write_rules.h"

namespace tacit::extensions {

namespace {

using namespace tacit::host;
using protocol::CodeAction;
using protocol::CodeLens;
using protocol::DecodeError;
using protocol::ObjectReader;
using store::StoreError;

constexpr const char* kArg = "params.arguments[0]";
constexpr size_t kMaxBody = 64 * 1024;
constexpr size_t kOffered = 5;       // walkthroughs offered as code actions: the most recently changed
constexpr size_t kLensTitle = 50;    // characters of a title in a lens

const char* const kCreate = "tacit.walkthrough.create";
const char* const kAddChapter = "tacit.walkthrough.addChapter";
const char* const kMoveChapter = "tacit.walkthrough.moveChapter";
const char* const kRemoveChapter = "tacit.walkthrough.removeChapter";
const char* const kList = "tacit.walkthrough.list";
const char* const kShow = "tacit.walkthrough.show";
const char* const kPlay = "tacit.walkthrough.play";
const char* const kNext = "tacit.walkthrough.next";
const char* const kPrevious = "tacit.walkthrough.previous";
const char* const kExport = "tacit.walkthrough.export";

std::optional<size_t> positionArgument(const ObjectReader& r, const char* key) {
  std::optional<uint32_t> value;
  r.optional(key, value);
  if (value && *value == 0) throw DecodeError(r.child(key) + ": positions are 1-based");
  if (!value) return std::nullopt;
  return *value;
}

// A chapter as an argument: its 1-based position, or its note's id (or a
// unique prefix of it).
struct ChapterRef {
  std::optional<size_t> position;
  std::string id;
};

std::optional<ChapterRef> chapterArgument(const json& object, const ObjectReader& r) {
  auto it = object.find("chapter");
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_number_unsigned()) {
    const auto value = it->get<uint64_t>();
    if (value == 0) throw DecodeError(r.child("chapter") + ": positions are 1-based");
    if (value > std::numeric_limits<int32_t>::max()) throw DecodeError(r.child("chapter") + ": integer out of range");
    return ChapterRef{static_cast<size_t>(value), ""};
  }
  if (it->is_string()) return ChapterRef{std::nullopt, it->get<std::string>()};
  throw DecodeError(r.child("chapter") + ": expected a 1-based position or a note id, got " +
                    std::string(it->type_name()));
}

size_t resolveChapter(store::Walkthroughs& walkthroughs, const store::Walkthrough& w, const ChapterRef& ref) {
  if (!ref.position) return walkthroughs.position(w, ref.id);
  store::Walkthroughs::checkPosition(w, *ref.position, w.chapters.size(), "chapter");
  return *ref.position;
}

size_t positionOf(const store::Walkthrough& w, const std::string& note) {
  for (size_t i = 0; i < w.chapters.size(); ++i)
    if (w.chapters[i].id == note) return i + 1;
  return 0;
}

class Walkthroughs final : public Extension {
 public:
  Walkthroughs() {
    manifest_.name = "walkthroughs";
    manifest_.version = "built-in";
    manifest_.origin = "built-in";
    manifest_.activationEvents = {"*"};
    auto& k = manifest_.contributes;
    k.codeLens = k.codeActions = true;
    k.commands = {{kCreate, "Create a walkthrough"},
                  {kAddChapter, "Add a chapter to a walkthrough"},
                  {kMoveChapter, "Move a walkthrough's chapter"},
                  {kRemoveChapter, "Remove a walkthrough's chapter"},
                  {kList, "List walkthroughs"},
                  {kShow, "Show a walkthrough"},
                  {kPlay, "Play a walkthrough"},
                  {kNext, "Next chapter"},
                  {kPrevious, "Previous chapter"},
                  {kExport, "Export a walkthrough to Markdown"}};
    k.events = {"thread/created", "thread/changed", "knowledge/changed"};
  }

  const Manifest& manifest() const override { return manifest_; }
  void activate(HostApi& api) override { api_ = &api; }

  void codeLenses(const DocumentInfo& doc, Done<std::vector<CodeLens>> done) override {
    Knowledge* knowledge = api_->knowledge();
    auto text = api_->documentText(doc.uri);
    store::Store* s = api_->store();
    std::vector<CodeLens> lenses;
    if (!knowledge || !text || !s || doc.path.empty()) return done(lenses);
    try {
      const Cache& cache = cached(*s);
      for (const auto& t : knowledge->threadsIn(doc.uri, *text)) {
        auto it = cache.chapters.find(t.id);
        if (it == cache.chapters.end() || t.location.startLine == 0) continue;
        protocol::Position at{t.location.startLine - 1, 0};
        for (const auto& c : it->second) {
          auto play = [&](size_t position) {
            return json::array({{{"walkthrough", c.walkthrough}, {"chapter", position}}});
          };
          const std::string where = std::to_string(c.position) + "/" + std::to_string(c.of);
          lenses.push_back({{at, at}, protocol::Command{"Walkthrough: " + cut(c.title, kLensTitle) + " · " + where,
                                                        kPlay, play(c.position)}});
          if (c.position > 1)
            lenses.push_back({{at, at}, protocol::Command{"◂ previous", kPlay, play(c.position - 1)}});
          if (c.position < c.of) lenses.push_back({{at, at}, protocol::Command{"next ▸", kPlay, play(c.position + 1)}});
        }
      }
    } catch (const std::exception& e) {
      api_->logMessage(protocol::MessageType::Warning, "walkthrough lenses of " + doc.uri + ": " + e.what());
    }
    done(std::move(lenses));
  }

  void codeActions(const DocumentInfo& doc, const protocol::Range& range, Done<std::vector<CodeAction>> done) override {
    store::Store* s = api_->store();
    std::vector<CodeAction> actions;
    auto lines = linesForThread(*api_, doc, range);
    if (!lines || !s) return done(actions);
    try {
      // As "Add note here": the editor asks for the text and adds `body`.
      for (const auto& [id, title] : cached(*s).recent) {
        std::string label = "Add as a chapter of \"" + cut(title, kLensTitle) + "\"";
        json args = json::array(
            {{{"walkthrough", id}, {"uri", doc.uri}, {"startLine", lines->start}, {"endLine", lines->end}}});
        actions.push_back({label, "", protocol::Command{label, kAddChapter, args}});
      }
    } catch (const std::exception& e) {
      api_->logMessage(protocol::MessageType::Warning, std::string("walkthrough actions: ") + e.what());
    }
    done(std::move(actions));
  }

  void executeCommand(const std::string& command, const json& arguments, Done<CommandResult> done) override {
    if (command == kPlay || command == kNext || command == kPrevious) {
      // Prepared (or refused) at once; answered once the editor has shown it.
      std::optional<Played> played;
      answerCommand([&](const CommandResult& refused) { if (refused.error) done(refused); },
                    [&] {
                      played = prepare(command, arguments);
                      return json();
                    });
      if (played) show(std::move(*played), std::move(done));
      return;
    }
    answerCommand(done, [&] {
      if (command == kCreate) return create(arguments);
      if (command == kAddChapter) return addChapter(arguments);
      if (command == kMoveChapter) return moveChapter(arguments);
      if (command == kRemoveChapter) return removeChapter(arguments);
      if (command == kList) return list(arguments);
      if (command == kShow) return showOne(arguments);
      if (command == kExport) return exportMarkdown(arguments);
      throw DecodeError("unknown command: " + command);
    });
  }

  void event(std::string_view, const json&) override { cache_.reset(); }

 private:
  // Lenses and actions read this, rebuilt after any change of the knowledge.
  struct ChapterOf {
    std::string walkthrough, title;
    size_t position = 0, of = 0;
  };
  struct Cache {
    std::map<std::string, std::vector<ChapterOf>> chapters;  // by note id
    std::vector<std::pair<std::string, std::string>> recent;  // (id, title), most recently changed first
  };
  const Cache& cached(store::Store& s) {
    if (cache_) return *cache_;
    Cache c;
    auto all = store::Walkthroughs(s).list();
    for (const auto& w : all)
      for (size_t i = 0; i < w.chapters.size(); ++i)
        c.chapters[w.chapters[i].id].push_back({w.thread.id, w.title, i + 1, w.chapters.size()});
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.thread.updatedAt > b.thread.updatedAt;
    });
    for (size_t i = 0; i < all.size() && i < kOffered; ++i) c.recent.emplace_back(all[i].thread.id, all[i].title);
    cache_ = std::move(c);
    return *cache_;
  }

  store::Store& store() { return refreshedStore(*api_); }

  // The editor's text of a repository file, when it is open.
  store::OpenText openText(const store::Store& s) {
    return [this, root = s.workdir()](const std::string& path) { return api_->documentText(uriFromPath(root + path)); };
  }

  void write(const store::WalkthroughPlan& plan) {
    if (plan.created || !plan.events.empty()) api_->write(plan.created, plan.events);
    cache_.reset();
  }

  // [{title, description?}] → the new walkthrough as `list` gives it.
  json create(const json& arguments) {
    ObjectReader r(oneObject(arguments), kArg);
    std::string title;
    r.required("title", title);
    std::optional<std::string> description;
    r.optional("description", description);
    store::Store& s = store();
    auto plan = store::Walkthroughs::create(title, description.value_or(""));
    write(plan);
    return store::walkthroughSummaryJson(store::Walkthroughs(s).get(plan.subject));
  }

  // [{walkthrough, uri, startLine, endLine, body, position?}] (a new note on
  // lines of an open document) or [{walkthrough, note, position?}] (an
  // existing note) → {walkthrough, id, chapter, of}.
  json addChapter(const json& arguments) {
    const json& object = oneObject(arguments);
    ObjectReader r(object, kArg);
    std::string id;
    r.required("walkthrough", id);
    const auto position = positionArgument(r, "position");
    std::optional<std::string> note, body;
    r.optional("note", note);
    std::string uri;
    uint32_t startLine = 0, endLine = 0;
    if (note) {
      if (r.find("uri") || r.find("body"))
        throw DecodeError(std::string(kArg) + ": either note, or uri, startLine, endLine and body");
    } else {
      r.required("uri", uri);
      r.required("startLine", startLine);
      r.required("endLine", endLine);
      if (endLine < startLine) throw DecodeError(r.child("endLine") + ": before startLine");
      r.optional("body", body);
      if (!body || store::isBlank(*body))
        throw DecodeError(r.child("body") + ": the text is required (the editor asks for it)");
      if (body->size() > kMaxBody) throw DecodeError(r.child("body") + ": longer than 64 KiB");
    }
    store::Store& s = store();
    store::Walkthroughs walkthroughs(s);
    const auto w = walkthroughs.get(id);
    store::WalkthroughPlan plan;
    std::string chapter;
    if (note) {
      chapter = s.index().resolve(*note);
      plan = walkthroughs.addNote(w, chapter, position);
    } else {
      store::Walkthroughs::checkPosition(w, position.value_or(w.chapters.size() + 1), w.chapters.size() + 1,
                                         "position");
      Knowledge* knowledge = api_->knowledge();
      auto text = api_->documentText(uri);
      if (!knowledge || !text) throw std::runtime_error("document is not open: " + uri);
      plan = store::Walkthroughs::addChapter(w, knowledge->anchorIn(uri, *text, startLine + 1, endLine + 1), *body,
                                             position);
      chapter = plan.subject;
    }
    write(plan);
    const auto after = walkthroughs.get(w.thread.id);
    return {{"walkthrough", w.thread.id}, {"id", chapter}, {"chapter", positionOf(after, chapter)},
            {"of", after.chapters.size()}};
  }

  // [{walkthrough, chapter, to}] → {walkthrough, id, chapter, of}.
  json moveChapter(const json& arguments) {
    const json& object = oneObject(arguments);
    ObjectReader r(object, kArg);
    std::string id;
    r.required("walkthrough", id);
    auto ref = chapterArgument(object, r);
    if (!ref) throw DecodeError(r.child("chapter") + ": required field is missing");
    if (!r.find("to")) throw DecodeError(r.child("to") + ": required field is missing");
    const size_t to = *positionArgument(r, "to");
    store::Store& s = store();
    store::Walkthroughs walkthroughs(s);
    const auto w = walkthroughs.get(id);
    const size_t from = resolveChapter(walkthroughs, w, *ref);
    const std::string chapter = w.chapters[from - 1].id;
    write(store::Walkthroughs::move(w, from, to));
    const auto after = walkthroughs.get(w.thread.id);
    return {{"walkthrough", w.thread.id}, {"id", chapter}, {"chapter", positionOf(after, chapter)},
            {"of", after.chapters.size()}};
  }

  // [{walkthrough, chapter, delete?}] → {walkthrough, id, of}.
  json removeChapter(const json& arguments) {
    const json& object = oneObject(arguments);
    ObjectReader r(object, kArg);
    std::string id;
    r.required("walkthrough", id);
    auto ref = chapterArgument(object, r);
    if (!ref) throw DecodeError(r.child("chapter") + ": required field is missing");
    std::optional<bool> deleteNote;
    r.optional("delete", deleteNote);
    store::Store& s = store();
    store::Walkthroughs walkthroughs(s);
    const auto w = walkthroughs.get(id);
    const size_t position = resolveChapter(walkthroughs, w, *ref);
    const std::string chapter = w.chapters[position - 1].id;
    write(store::Walkthroughs::remove(w, position, deleteNote.value_or(false)));
    return {{"walkthrough", w.thread.id}, {"id", chapter}, {"of", walkthroughs.get(w.thread.id).chapters.size()}};
  }

  // [] or [{}] → every walkthrough, as `tacit walkthrough list --json`.
  json list(const json& arguments) {
    if (!arguments.is_null() && !(arguments.is_array() && arguments.empty()))
      ObjectReader(oneObject(arguments), kArg);  // one object, or nothing
    json out = json::array();
    for (const auto& w : store::Walkthroughs(store()).list()) out.push_back(store::walkthroughSummaryJson(w));
    return out;
  }

  // [{walkthrough}] → as `tacit walkthrough show --json`, where the editor
  // has the files open.
  json showOne(const json& arguments) {
    ObjectReader r(oneObject(arguments), kArg);
    std::string id;
    r.required("walkthrough", id);
    store::Store& s = store();
    store::Walkthroughs walkthroughs(s);
    const auto w = walkthroughs.get(id);
    std::vector<store::ChapterPlace> places;
    store::Locations locations(s);
    for (const auto& c : w.chapters) places.push_back(walkthroughs.place(locations, c, openText(s)));
    return store::walkthroughJson(w, places, walkthroughs.unordered(w));
  }

  // [{walkthrough}] → {markdown}, with the code as the editor has it now.
  json exportMarkdown(const json& arguments) {
    ObjectReader r(oneObject(arguments), kArg);
    std::string id;
    r.required("walkthrough", id);
    store::Store& s = store();
    store::Walkthroughs walkthroughs(s);
    return {{"markdown", walkthroughs.exportMarkdown(walkthroughs.get(id), openText(s))}};
  }

  // A chapter to show: the command's result, and where to go.
  struct Played {
    json result;
    std::optional<std::string> uri;  // nullopt: nothing to open
    protocol::Range range;
  };

  // play [{walkthrough, chapter?}], next and previous [{walkthrough}].
  Played prepare(const std::string& command, const json& arguments) {
    const json& object = oneObject(arguments);
    ObjectReader r(object, kArg);
    std::string id;
    r.required("walkthrough", id);
    std::optional<ChapterRef> ref;
    if (command == kPlay) ref = chapterArgument(object, r);
    store::Store& s = store();
    store::Walkthroughs walkthroughs(s);
    const auto w = walkthroughs.get(id);
    const size_t n = w.chapters.size();
    if (n == 0) throw StoreError("\"" + w.title + "\" has no chapters yet");
    // Where the reader is: the current chapter's position now (it may have
    // been moved), or half a step before where it was if it left the order.
    std::optional<double> here;
    if (auto it = current_.find(w.thread.id); it != current_.end()) {
      const size_t now = positionOf(w, it->second.first);
      here = now ? static_cast<double>(now) : static_cast<double>(it->second.second) - 0.5;
    }
    size_t position = 1;
    if (command == kPlay) {
      if (ref) position = resolveChapter(walkthroughs, w, *ref);
      else if (here && std::floor(*here) == *here) position = static_cast<size_t>(*here);
    } else if (command == kNext) {
      if (here) position = static_cast<size_t>(std::floor(*here)) + 1;
      if (position > n)
        throw StoreError("chapter " + std::to_string(n) + " is the last of \"" + w.title + "\"");
    } else {
      if (!here) throw StoreError("no chapter of \"" + w.title + "\" played yet: play one first");
      const double before = std::ceil(*here) - 1;
      if (before < 1) throw StoreError("chapter 1 is the first of \"" + w.title + "\"");
      position = static_cast<size_t>(before);
    }
    const store::Thread& chapter = w.chapters[position - 1];
    store::Locations locations(s);
    const store::ChapterPlace place = walkthroughs.place(locations, chapter, openText(s));
    current_[w.thread.id] = {chapter.id, position};
    const anchor::Location& at = place.location;

    Played p;
    p.result = {{"walkthrough", w.thread.id}, {"chapter", position},   {"of", n},
                {"title", w.title},           {"id", chapter.id},      {"text", chapter.body},
                {"status", anchor::toString(at.status)}};
    p.result["uri"] = nullptr;
    p.result["range"] = nullptr;
    if (!at.path.empty() && at.startLine > 0) {
      const std::string uri = uriFromPath(s.workdir() + at.path);
      anchor::Location shown = at;
      // An orphaned chapter last seen past the end of its file opens on its last line.
      const auto lines = lineCountNow(*api_, uri, s.workdir() + at.path);
      if (lines) anchor::clampToLines(shown, *lines);
      p.range = wholeLines(shown);
      p.result["uri"] = uri;
      p.result["range"] = p.range;
      if (lines) p.uri = uri;
    }
    if (at.status == anchor::Status::Orphaned) {
      std::string where = at.path + ":" + std::to_string(at.startLine);
      if (at.endLine != at.startLine) where += "-" + std::to_string(at.endLine);
      api_->showMessage(protocol::MessageType::Warning,
                        "Chapter " + std::to_string(position) + " of \"" + w.title + "\": its code was not found" +
                            (at.path.empty() ? std::string(".") : "; last seen at " + where));
    }
    return p;
  }

  void show(Played p, Done<CommandResult> done) {
    if (!p.uri) {
      p.result["shown"] = false;
      return done({std::move(p.result), std::nullopt});
    }
    api_->showDocument(*p.uri, p.range, [done = std::move(done), result = std::move(p.result)](bool shown) mutable {
      result["shown"] = shown;
      done({std::move(result), std::nullopt});
    });
  }

  Manifest manifest_;
  HostApi* api_ = nullptr;
  std::optional<Cache> cache_;
  // The chapter each walkthrough is at, for next and previous: (note id,
  // position when played). For this session only.
  std::map<std::string, std::pair<std::string, size_t>> current_;
};

}  // namespace

std::unique_ptr<host::Extension> makeWalkthroughsExtension() { return std::make_unique<Walkthroughs>(); }

}  // namespace tacit::extensions
