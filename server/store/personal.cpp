#include "server/store/personal.h"

#include <algorithm>
#include <map>

#include "server/log/log.h"
#include "server/store/clock.h"
#include "server/git/handles.h"
#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/write_rules.h"

namespace tacit::store {
namespace {

using json = nlohmann::json;

constexpr const char* kFile = "personal.json";
constexpr int kVersion = 1;
// Finished reminders and sent questions are kept this long, then dropped.
constexpr int64_t kKeepFinished = 30LL * 86'400'000;

int64_t timeField(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return 0;
  if (!it->is_string()) throw StoreError(std::string(key) + " is not a time");
  auto at = parseTimestamp(it->get<std::string>());
  if (!at) throw StoreError(std::string(key) + " is not an RFC 3339 time");
  return *at;
}

json timeJson(int64_t at) { return at == 0 ? json(nullptr) : json(formatTimestamp(at)); }

Reminder reminderFromJson(const json& j) {
  Reminder r;
  r.id = j.at("id").get<std::string>();
  if (!isId(r.id)) throw StoreError("a reminder id is not 32 hex digits");
  r.thread = j.value("thread", "");
  if (!r.thread.empty() && !isId(r.thread)) throw StoreError("reminder " + r.id + ": bad thread id");
  if (j.contains("anchor") && j.at("anchor").is_object()) r.anchor = anchorFromJson(j.at("anchor"));
  if (r.thread.empty() && !isConfinedPath(r.anchor.path)) throw StoreError("reminder " + r.id + ": no place");
  r.text = j.value("text", "");
  r.createdAt = timeField(j, "createdAt");
  r.dueAt = timeField(j, "dueAt");
  r.deliveredAt = timeField(j, "deliveredAt");
  r.doneAt = timeField(j, "doneAt");
  r.snoozes = j.value("snoozes", 0);
  return r;
}

Scheduled scheduledFromJson(const json& j) {
  Scheduled s;
  s.id = j.at("id").get<std::string>();
  if (!isId(s.id)) throw StoreError("a scheduled question's id is not 32 hex digits");
  s.createdAt = timeField(j, "createdAt");
  s.sendAt = timeField(j, "sendAt");
  s.sentAt = timeField(j, "sentAt");
  s.error = j.value("error", "");
  const json& q = j.at("question");
  s.question.kind = ThreadKind::Question;
  s.question.body = q.at("body").get<std::string>();
  s.question.assignees = q.value("assignees", std::vector<std::string>{});
  s.question.anchor = anchorFromJson(q.at("anchor"));
  s.question.context = q.value("context", json::object());
  s.question.id = s.id;
  if (!isConfinedPath(s.question.anchor.path)) throw StoreError("scheduled question " + s.id + ": no place");
  return s;
}

Personal decode(const std::optional<std::string>& bytes) {
  Personal p;
  if (!bytes) return p;
  json doc = json::parse(*bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    TACIT_LOG(Warn) << "the private store's " << kFile << " is not JSON; starting from an empty one";
    return p;
  }
  auto each = [&](const char* key, auto&& decodeOne) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_array()) return;
    for (const json& entry : *it) {
      try {
        decodeOne(entry);
      } catch (const std::exception& e) {
        TACIT_LOG(Warn) << "skipping an entry of " << kFile << " (" << key << "): " << e.what();
      }
    }
  };
  each("reminders", [&](const json& j) { p.reminders.push_back(reminderFromJson(j)); });
  each("outbox", [&](const json& j) { p.outbox.push_back(scheduledFromJson(j)); });
  return p;
}

std::string encode(Personal& p) {
  const int64_t now = nowMillis();
  std::erase_if(p.reminders, [&](const Reminder& r) { return r.doneAt != 0 && now - r.doneAt > kKeepFinished; });
  std::erase_if(p.outbox, [&](const Scheduled& s) { return s.sentAt != 0 && now - s.sentAt > kKeepFinished; });
  if (p.reminders.size() > kMaxReminders) throw StoreError("too many reminders (the limit is 10000)");
  json doc = {{"v", kVersion}, {"reminders", json::array()}, {"outbox", json::array()}};
  for (const auto& r : p.reminders) doc["reminders"].push_back(toJson(r));
  for (const auto& s : p.outbox) doc["outbox"].push_back(toJson(s));
  return doc.dump(1) + "\n";
}

template <typename T>
T& findById(std::vector<T>& items, const std::string& prefix, const char* what) {
  if (prefix.size() < 4 || prefix.size() > 32 || prefix.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw StoreError(std::string("expected a ") + what + " id (at least 4 hex digits), got \"" + prefix.substr(0, 40) +
                     "\"");
  T* found = nullptr;
  for (auto& item : items) {
    if (item.id.rfind(prefix, 0) != 0) continue;
    if (found) throw StoreError("ambiguous " + std::string(what) + " id " + prefix);
    found = &item;
  }
  if (!found) throw StoreError(std::string("unknown ") + what + " id " + prefix);
  return *found;
}

}  // namespace

json toJson(const Reminder& r) {
  json j = {{"id", r.id},
            {"text", r.text},
            {"createdAt", timeJson(r.createdAt)},
            {"dueAt", timeJson(r.dueAt)},
            {"deliveredAt", timeJson(r.deliveredAt)},
            {"doneAt", timeJson(r.doneAt)},
            {"snoozes", r.snoozes}};
  if (!r.thread.empty())
    j["thread"] = r.thread;
  else
    j["anchor"] = toJson(r.anchor);
  return j;
}

json toJson(const Scheduled& s) {
  return {{"id", s.id},
          {"createdAt", timeJson(s.createdAt)},
          {"sendAt", timeJson(s.sendAt)},
          {"sentAt", timeJson(s.sentAt)},
          {"error", s.error},
          {"question",
           {{"body", s.question.body},
            {"assignees", s.question.assignees},
            {"anchor", toJson(s.question.anchor)},
            {"context", s.question.context}}}};
}

Personal readPersonal(Store& store) {
  return decode(readRefFile(store.privateRepository(), std::string(kPersonalRef), kFile));
}

Personal updatePersonal(Store& store, const std::string& message, const std::function<void(Personal&)>& change) {
  Personal written;
  Author me = store.identity();
  swapRefFile(
      store.privateRepository(), std::string(kPersonalRef), kFile,
      [&](const std::optional<std::string>& current) -> std::optional<std::string> {
        written = decode(current);
        change(written);
        return encode(written);
      },
      message, me);
  return written;
}

Reminder& findReminder(Personal& p, const std::string& prefix) { return findById(p.reminders, prefix, "reminder"); }
Scheduled& findScheduled(Personal& p, const std::string& prefix) { return findById(p.outbox, prefix, "scheduled question"); }

Reminder addReminder(Store& store, Reminder r) {
  if (!r.thread.empty()) {
    auto thread = store.index().get(r.thread);
    if (!thread) throw StoreError("unknown id " + r.thread);
    checkRemindable(*thread);
  }
  if (r.id.empty()) r.id = newId();
  if (r.createdAt == 0) r.createdAt = nowMillis();
  updatePersonal(store, "tacit: remind " + r.id.substr(0, 12), [&](Personal& p) {
    const auto pending = std::count_if(p.reminders.begin(), p.reminders.end(), [](const Reminder& x) { return x.doneAt == 0; });
    if (static_cast<size_t>(pending) >= kMaxReminders)
      throw StoreError("too many pending reminders (" + std::to_string(pending) + "); mark some done first");
    p.reminders.push_back(r);
  });
  return r;
}

namespace {

// One reminder changed by `change` (which may refuse with StoreError), in
// one compare-and-swap write; the reminder as written.
Reminder changeReminder(Store& store, const std::string& prefix, const char* verb,
                        const std::function<void(Reminder&)>& change) {
  Reminder out;
  updatePersonal(store, std::string("tacit: ") + verb + " " + prefix, [&](Personal& p) {
    auto& r = findReminder(p, prefix);
    change(r);
    out = r;
  });
  return out;
}

}  // namespace

Reminder snoozeReminder(Store& store, const std::string& prefix, int64_t until) {
  return changeReminder(store, prefix, "snooze", [&](Reminder& r) {
    if (r.doneAt != 0) throw StoreError("reminder " + r.id.substr(0, 8) + " is done");
    r.dueAt = until;
    r.deliveredAt = 0;
    ++r.snoozes;
  });
}

Reminder finishReminder(Store& store, const std::string& prefix, int64_t now) {
  return changeReminder(store, prefix, "done", [&](Reminder& r) {
    if (r.doneAt != 0) throw StoreError("reminder " + r.id.substr(0, 8) + " is already done");
    r.doneAt = now;
  });
}

Scheduled scheduleQuestion(Store& store, Store::NewThread question, int64_t sendAt) {
  const int64_t now = nowMillis();
  if (question.isPrivate) throw StoreError("a question sent later goes to the team; it cannot be private");
  if (sendAt <= now) throw StoreError("the time to send it is in the past: " + formatTimestamp(sendAt));
  checkNewThread(question.kind, question.body);
  Scheduled q;
  q.id = newId();
  q.createdAt = now;
  q.sendAt = sendAt;
  q.question = std::move(question);
  q.question.id = q.id;
  updatePersonal(store, "tacit: schedule " + q.id.substr(0, 12), [&](Personal& p) {
    const auto waiting = std::count_if(p.outbox.begin(), p.outbox.end(), [](const Scheduled& x) { return x.sentAt == 0; });
    if (static_cast<size_t>(waiting) >= kMaxReminders)
      throw StoreError("too many questions waiting to be sent (" + std::to_string(waiting) + ")");
    p.outbox.push_back(q);
  });
  return q;
}

anchor::Location reminderPlace(Store& store, const Reminder& r) {
  if (!r.thread.empty()) {
    auto t = store.index().get(r.thread);
    if (!t || t->deleted) return {};
    return Locations(store).inWorkTree(*t);
  }
  const std::string head = git::headCommit(store.repository());
  if (head.empty()) return {r.anchor.path, r.anchor.startLine, r.anchor.endLine, anchor::Status::Orphaned, 0, "no commit"};
  return anchor::Locator(store.repository()).locate(toRecorded(r.anchor), head);
}

anchor::Location reminderPlace(Store& store, const Reminder& r, const std::string& path, const std::string& text) {
  if (!r.thread.empty()) {
    auto t = store.index().get(r.thread);
    if (!t || t->deleted) return {};
    return Locations(store).inText(*t, path, text);
  }
  const std::string head = git::headCommit(store.repository());
  if (head.empty()) return {r.anchor.path, r.anchor.startLine, r.anchor.endLine, anchor::Status::Orphaned, 0, "no commit"};
  return anchor::Locator(store.repository()).locateInText(toRecorded(r.anchor), head, path, text);
}

json reminderJson(Store& store, const Reminder& r) {
  json j = toJson(r);
  anchor::Location at = reminderPlace(store, r);
  j["location"] = {{"path", at.path},
                   {"startLine", at.startLine},
                   {"endLine", at.endLine},
                   {"status", anchor::toString(at.status)}};
  if (!r.thread.empty()) {
    auto t = store.index().get(r.thread);
    j["title"] = t ? t->body.substr(0, t->body.find('\n')) : std::string();
  }
  return j;
}

std::vector<std::string> sendDue(Store& store, int64_t now, const std::string& onlyId, const CreateThread& create) {
  std::vector<Scheduled> due;
  for (const auto& s : readPersonal(store).outbox)
    if (s.sentAt == 0 && (onlyId.empty() ? s.sendAt <= now : s.id == onlyId)) due.push_back(s);
  if (due.empty()) return {};
  std::vector<std::string> sent;
  std::map<std::string, std::string> errors;
  for (const auto& s : due) {
    try {
      store.refresh();
      // Its id was chosen when it was scheduled: a question already in the
      // log was sent by someone else (another server) or by a run that
      // stopped before recording it.
      if (!store.index().get(s.id)) {
        if (create)
          create(s.question);
        else
          store.createThread(s.question);
      }
      sent.push_back(s.id);
    } catch (const StoreError& e) {
      errors[s.id] = e.what();
      TACIT_LOG(Warn) << "could not send the scheduled question " << s.id.substr(0, 8) << ": " << e.what();
    }
  }
  updatePersonal(store, "tacit: send scheduled questions", [&](Personal& p) {
    for (auto& s : p.outbox) {
      if (std::find(sent.begin(), sent.end(), s.id) != sent.end() && s.sentAt == 0) {
        s.sentAt = now;
        s.error.clear();
      } else if (auto e = errors.find(s.id); e != errors.end()) {
        s.error = e->second;
      }
    }
  });
  return sent;
}

}  // namespace tacit::store
