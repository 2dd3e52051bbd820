#include "extensions/builtin/reminders.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "extensions/builtin/common.h"
#include "protocol/decode.h"
#include "server/host/knowledge.h"
#include "server/host/scheduler.h"
#include "server/store/clock.h"
#include "server/store/event_log.h"
#include "server/store/personal.h"

namespace tacit::extensions {

namespace {

using namespace tacit::host;
using protocol::DecodeError;
using protocol::Diagnostic;
using protocol::ObjectReader;
using store::StoreError;

constexpr const char* kArg = "params.arguments[0]";
constexpr size_t kMaxText = 4 * 1024;
constexpr int64_t kSnooze = 10 * 60'000;  // "Snooze 10 min"
// The timer never sleeps longer than this, so a clock that jumps (a laptop
// waking up) is noticed within it.
constexpr int64_t kLongestSleep = 60'000;

const char* const kRemind = "tacit.remind";
const char* const kList = "tacit.reminders";
const char* const kSnoozeCommand = "tacit.snooze";
const char* const kDone = "tacit.done";

const char* const kOpen = "Open";
const char* const kSnoozeAction = "Snooze 10 min";
const char* const kDoneAction = "Done";

// `in` or `at` of a command's object, as store::dueTime wants them.
int64_t dueArgument(const ObjectReader& r, int64_t now, const char* what, std::optional<int64_t> fallback) {
  std::optional<std::string> in, at;
  r.optional("in", in);
  r.optional("at", at);
  if (!in && !at && fallback) return *fallback;
  try {
    return store::dueTime(in.value_or(""), at.value_or(""), now, what);
  } catch (const StoreError& e) {
    throw DecodeError(std::string(kArg) + ": " + e.what());
  }
}

class Reminders final : public Extension {
 public:
  Reminders() {
    manifest_.name = "reminders";
    manifest_.version = "built-in";
    manifest_.origin = "built-in";
    manifest_.activationEvents = {"*"};
    auto& k = manifest_.contributes;
    k.commands = {{kRemind, "Remind me of this later"},
                  {kList, "List my reminders"},
                  {kSnoozeCommand, "Snooze a reminder"},
                  {kDone, "Mark a reminder done"}};
    // time/moved is the server's own (tacit/test/setClock), not a wire event.
    k.events = {"document/opened", "document/changed", "knowledge/changed", "time/moved"};
  }
  ~Reminders() override { *alive_ = false; }

  const Manifest& manifest() const override { return manifest_; }

  void activate(HostApi& api) override {
    api_ = &api;
    // After the editor has had the answer to initialize: no request to it before.
    wake(0);
  }

  void event(std::string_view name, const json& params) override {
    if (name == "document/opened" || name == "document/changed") {
      publish(params["textDocument"].value("uri", ""));
      return;
    }
    check();  // knowledge/changed (maybe a reminder written by the command line), time/moved
  }

  void shutdown(Done<bool> done) override {
    if (timer_) api_->scheduler().cancel(*timer_);
    timer_.reset();
    *alive_ = false;  // the user's late answers do nothing now
    done(true);
  }

  void executeCommand(const std::string& command, const json& arguments, Done<CommandResult> done) override {
    answerCommand(done, [&] {
      if (command == kRemind) return remind(arguments);
      if (command == kList) return list(arguments);
      if (command == kSnoozeCommand) return snooze(arguments);
      if (command == kDone) return finish(arguments);
      throw DecodeError("unknown command: " + command);
    });
  }

 private:
  store::Store& store() { return refreshedStore(*api_); }

  // [{thread, in|at, text?}] or [{uri, startLine, endLine?, in|at, text?}]
  // (lines 0-based) → the reminder, as `tacit reminders --json`.
  json remind(const json& arguments) {
    ObjectReader r(oneObject(arguments), kArg);
    std::optional<std::string> thread, uri, text;
    std::optional<uint32_t> startLine, endLine;
    r.optional("thread", thread);
    r.optional("uri", uri);
    r.optional("startLine", startLine);
    r.optional("endLine", endLine);
    r.optional("text", text);
    if (thread.has_value() == uri.has_value()) throw DecodeError(std::string(kArg) + ": give either thread, or uri and startLine");
    if (uri && !startLine) throw DecodeError(r.child("startLine") + ": required field is missing");
    if (endLine && *endLine < *startLine) throw DecodeError(r.child("endLine") + ": before startLine");
    if (text && text->size() > kMaxText) throw DecodeError(r.child("text") + ": longer than 4 KiB");
    const int64_t now = store::nowMillis();
    store::Reminder reminder;
    reminder.dueAt = dueArgument(r, now, "a reminder", std::nullopt);
    reminder.text = text.value_or("");
    store::Store& s = store();
    if (thread) {
      reminder.thread = s.index().resolve(*thread);
    } else {
      Knowledge* knowledge = api_->knowledge();
      auto docText = api_->documentText(*uri);
      if (!knowledge || !docText) throw std::runtime_error("document is not open: " + *uri);
      reminder.anchor = knowledge->anchorIn(*uri, *docText, *startLine + 1, endLine.value_or(*startLine) + 1);
    }
    reminder = store::addReminder(s, reminder);
    check();
    return store::reminderJson(s, reminder);
  }

  // [] or [{all?}] → the reminders, earliest due first.
  json list(const json& arguments) {
    bool all = false;
    if (!arguments.is_null() && !(arguments.is_array() && arguments.empty())) {
      std::optional<bool> a;
      ObjectReader(oneObject(arguments), kArg).optional("all", a);
      all = a.value_or(false);
    }
    store::Store& s = store();
    auto p = store::readPersonal(s);
    std::stable_sort(p.reminders.begin(), p.reminders.end(),
                     [](const store::Reminder& a, const store::Reminder& b) { return a.dueAt < b.dueAt; });
    json out = json::array();
    for (const auto& r : p.reminders)
      if (all || r.doneAt == 0) out.push_back(store::reminderJson(s, r));
    return out;
  }

  // [{id, in|at}] (default: 10 minutes from now) → the reminder.
  json snooze(const json& arguments) {
    ObjectReader r(oneObject(arguments), kArg);
    std::string id;
    r.required("id", id);
    const int64_t now = store::nowMillis();
    const int64_t until = dueArgument(r, now, "snooze", now + kSnooze);
    store::Store& s = store();
    auto reminder = store::snoozeReminder(s, id, until);
    check();
    return store::reminderJson(s, reminder);
  }

  // [{id}] → the reminder.
  json finish(const json& arguments) {
    ObjectReader r(oneObject(arguments), kArg);
    std::string id;
    r.required("id", id);
    store::Store& s = store();
    auto reminder = store::finishReminder(s, id, store::nowMillis());
    check();
    return store::reminderJson(s, reminder);
  }

  // Sends what is due, shows what fell due, republishes the diagnostics and
  // sets the timer for what comes next.
  void check() {
    store::Store* s = api_->store();
    if (!s) return;
    const int64_t now = store::nowMillis();
    try {
      s->refresh();
      const auto sent = store::sendDue(*s, now, "", [this](const store::Store::NewThread& t) { api_->createThread(t); });
      if (!sent.empty())
        api_->logMessage(protocol::MessageType::Info, "sent " + std::to_string(sent.size()) + " scheduled question(s)");
      personal_ = store::readPersonal(*s);
    } catch (const std::exception& e) {
      api_->logMessage(protocol::MessageType::Warning, std::string("reminders: ") + e.what());
      return;
    }
    // Shown once per session; snoozed ones may be shown again when due again.
    std::vector<const store::Reminder*> fell;
    for (const auto& r : personal_.reminders) {
      if (!r.due(now)) {
        shown_.erase(r.id);
        continue;
      }
      if (shown_.insert(r.id).second) fell.push_back(&r);
    }
    std::vector<std::string> firstTime;
    for (const auto* r : fell) {
      if (r->deliveredAt == 0) firstTime.push_back(r->id);
      deliver(*s, *r);
    }
    if (!firstTime.empty()) {
      try {
        store::updatePersonal(*s, "tacit: reminders delivered", [&](store::Personal& p) {
          for (auto& r : p.reminders)
            if (std::find(firstTime.begin(), firstTime.end(), r.id) != firstTime.end() && r.deliveredAt == 0)
              r.deliveredAt = now;
        });
      } catch (const std::exception& e) {
        api_->logMessage(protocol::MessageType::Warning, std::string("reminders: ") + e.what());
      }
    }
    if (Knowledge* knowledge = api_->knowledge()) {
      auto uris = knowledge->openUris();
      for (const auto& uri : diagnosed_)  // to clear where none are left
        if (std::find(uris.begin(), uris.end(), uri) == uris.end()) uris.push_back(uri);
      for (const auto& uri : uris) publish(uri);
    }
    // The next moment something falls due.
    std::optional<int64_t> next;
    auto consider = [&](int64_t at) {
      if (at > now && (!next || at < *next)) next = at;
    };
    for (const auto& r : personal_.reminders)
      if (r.doneAt == 0) consider(r.dueAt);
    for (const auto& q : personal_.outbox)
      if (q.sentAt == 0) consider(q.sendAt);
    if (next) wake(std::min(*next - now, kLongestSleep));
  }

  void wake(int64_t inMillis) {
    if (!*alive_) return;
    if (timer_) api_->scheduler().cancel(*timer_);
    timer_ = api_->scheduler().after(std::chrono::milliseconds(inMillis), [this, alive = alive_] {
      if (!*alive) return;
      timer_.reset();
      check();
    });
  }

  // "Reminder: check the build — src/a.cpp:12 (“Why is this locked?”)".
  std::string describe(store::Store& s, const store::Reminder& r, const anchor::Location& at) {
    std::string title;
    if (!r.thread.empty())
      if (auto t = s.index().get(r.thread)) title = firstLine(t->body, 80);
    std::string what = r.text.empty() ? (title.empty() ? std::string("(no text)") : title) : firstLine(r.text, 200);
    std::string out = "Reminder: " + what;
    if (!at.path.empty()) out += " — " + at.path + ":" + std::to_string(at.startLine);
    if (!r.text.empty() && !title.empty()) out += " (“" + title + "”)";
    return out;
  }

  void deliver(store::Store& s, const store::Reminder& r) {
    anchor::Location at;
    json reminderJson;
    try {
      at = store::reminderPlace(s, r);
      reminderJson = store::reminderJson(s, r);
    } catch (const std::exception& e) {
      api_->logMessage(protocol::MessageType::Warning, "reminder " + r.id.substr(0, 8) + ": " + e.what());
    }
    json thread = nullptr;
    if (!r.thread.empty()) try {
        thread = api_->threadJson(r.thread);
      } catch (const std::exception&) {
      }
    api_->emit("reminder/due", {{"reminder", reminderJson}, {"thread", thread}});
    const std::string uri = at.path.empty() ? "" : uriFromPath(s.workdir() + at.path);
    // Open selects the reminder's lines whole, as its diagnostic covers them
    // (kept in the file as it is now: lineCountNow; a file that is gone has none).
    std::optional<protocol::Range> range;
    if (at.startLine > 0)
      if (auto lines = lineCountNow(*api_, uri, s.workdir() + at.path)) {
        anchor::Location shown = at;
        anchor::clampToLines(shown, *lines);
        range = wholeLines(shown);
      }
    // Each choice also says what it does, for editors that act on it themselves.
    auto command = [&](const char* title, const char* id) {
      return json{{"title", title}, {"command", id}, {"arguments", json::array({json{{"id", r.id}}})}};
    };
    std::vector<protocol::MessageActionItem> actions;
    if (range) actions.push_back({kOpen, nullptr, {{"uri", uri}, {"range", *range}}});
    actions.push_back({kSnoozeAction, command(kSnoozeAction, "tacit.snooze"), nullptr});
    actions.push_back({kDoneAction, command(kDoneAction, "tacit.done"), nullptr});
    api_->showMessageRequest(protocol::MessageType::Info, describe(s, r, at), actions,
                             [this, alive = alive_, id = r.id, uri, range](std::optional<std::string> chosen) {
                               if (*alive && chosen) act(*chosen, id, uri, range);
                             });
  }

  void act(const std::string& chosen, const std::string& id, const std::string& uri,
           const std::optional<protocol::Range>& range) {
    try {
      if (chosen == kOpen) {
        api_->showDocument(uri, range, [](bool) {});
        return;
      }
      store::Store& s = store();
      if (chosen == kSnoozeAction)
        store::snoozeReminder(s, id, store::nowMillis() + kSnooze);
      else if (chosen == kDoneAction)
        store::finishReminder(s, id, store::nowMillis());
      check();
    } catch (const std::exception& e) {
      api_->showMessage(protocol::MessageType::Warning, std::string("reminder: ") + e.what());
    }
  }

  // The due reminders on lines of `uri`, as Information diagnostics where
  // the editor has those lines now.
  void publish(const std::string& uri) {
    Knowledge* knowledge = api_->knowledge();
    store::Store* s = api_->store();
    if (!knowledge || !s || uri.empty()) return;
    const int64_t now = store::nowMillis();
    // Every keystroke comes here (document/changed): with nothing due and
    // nothing shown, it costs no more than this scan.
    const bool anyDue = std::any_of(personal_.reminders.begin(), personal_.reminders.end(),
                                    [&](const store::Reminder& r) { return r.due(now); });
    if (!anyDue && !diagnosed_.count(uri)) return;
    std::vector<Diagnostic> out;
    const std::string path = anyDue ? knowledge->pathOf(uri) : "";
    auto text = anyDue ? api_->documentText(uri) : std::nullopt;
    if (!path.empty() && text) {
      for (const auto& r : personal_.reminders) {
        if (!r.due(now)) continue;
        // Cheap test first: a reminder on lines of another file is not here.
        if (r.thread.empty() && r.anchor.path != path) continue;
        try {
          const anchor::Location at = store::reminderPlace(*s, r, path, *text);
          if (at.path != path || at.startLine == 0) continue;
          Diagnostic d;
          d.range = wholeLines(at);
          d.severity = protocol::DiagnosticSeverity::Information;
          d.message = describe(*s, r, {});
          d.code = r.id.substr(0, 8);
          out.push_back(std::move(d));
        } catch (const std::exception& e) {
          api_->logMessage(protocol::MessageType::Warning, "reminder " + r.id.substr(0, 8) + ": " + e.what());
        }
      }
    }
    if (out.empty() && !diagnosed_.count(uri)) return;  // nothing shown, nothing to clear
    if (out.empty())
      diagnosed_.erase(uri);
    else
      diagnosed_.insert(uri);
    api_->publishDiagnostics(uri, std::move(out));
  }

  Manifest manifest_;
  HostApi* api_ = nullptr;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for the user's late answers
  std::optional<Scheduler::TimerId> timer_;
  store::Personal personal_;
  std::set<std::string> shown_;      // reminders shown this session
  std::set<std::string> diagnosed_;  // documents with reminder diagnostics
};

}  // namespace

std::unique_ptr<host::Extension> makeRemindersExtension() { return std::make_unique<Reminders>(); }

}  // namespace tacit::extensions
