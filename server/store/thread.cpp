#include "server/store/thread.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace tacit::store {

namespace {

// Payload readers that never throw: decodeEvent has been strict already, but
// the fold also takes events built in memory and must stay total on them
// (a missing or mistyped field makes the event a no-op).
const std::string* stringField(const json& payload, const char* key) {
  if (!payload.is_object()) return nullptr;
  auto it = payload.find(key);
  if (it == payload.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

std::vector<std::string> stringList(const json& payload, const char* key) {
  std::vector<std::string> out;
  if (!payload.is_object()) return out;
  auto it = payload.find(key);
  if (it == payload.end() || !it->is_array()) return out;
  for (const json& entry : *it) {
    if (entry.is_string()) out.push_back(entry.get<std::string>());
  }
  return out;
}

// eventOrder, then the canonical bytes for events that share (lamport,
// replica, id) but differ, so every replica picks the same one of them.
bool foldOrder(const Event& a, const Event& b) {
  if (eventOrder(a, b)) return true;
  if (eventOrder(b, a)) return false;
  if (a == b) return false;
  return encodeEvent(a) < encodeEvent(b);
}

Reply* findReply(Thread& thread, std::string_view id) {
  auto it = std::find_if(thread.replies.begin(), thread.replies.end(),
                         [&](const Reply& r) { return r.id == id; });
  return it == thread.replies.end() ? nullptr : &*it;
}

void apply(Thread& thread, const Event& event, const std::unordered_set<std::string>& hidden) {
  const json& payload = event.payload;
  switch (event.type) {
    case EventType::Created:
      break;  // only the founding one is folded, before everything else
    case EventType::Reply:
    case EventType::Answer: {
      // A tombstoned answer must not leave the question Answered, so a
      // hidden reply is skipped outright rather than removed afterwards.
      if (hidden.count(event.id)) break;
      const std::string* body = stringField(payload, "body");
      if (!body) break;
      const bool isAnswer = event.type == EventType::Answer;
      thread.replies.push_back(Reply{event.id, isAnswer, event.author, event.ts, 0, *body});
      if (isAnswer && thread.kind == ThreadKind::Question && thread.state == ThreadState::Open) {
        thread.state = ThreadState::Answered;
      }
      break;
    }
    case EventType::Edit: {
      const std::string* body = stringField(payload, "body");
      if (!body) break;
      if (payload.contains("target")) {
        const std::string* target = stringField(payload, "target");
        Reply* reply = target ? findReply(thread, *target) : nullptr;
        if (!reply) break;
        reply->body = *body;
        reply->editedAt = event.ts;
      } else {
        thread.body = *body;
      }
      break;
    }
    case EventType::State: {
      const std::string* state = stringField(payload, "state");
      if (!state) break;
      // Reopening clears Answered too: the asker says the answers did not do.
      if (*state == "resolved") thread.state = ThreadState::Resolved;
      if (*state == "open") thread.state = ThreadState::Open;
      break;
    }
    case EventType::Reaction: {
      const std::string* reaction = stringField(payload, "reaction");
      if (!reaction) break;
      const std::string& email = event.author.email;
      if (*reaction == "ack") {
        const bool seen = std::any_of(thread.acks.begin(), thread.acks.end(),
                                      [&](const Ack& a) { return a.author.email == email; });
        if (!seen) thread.acks.push_back(Ack{event.author, event.ts});
      } else if (*reaction == "+1") {
        if (std::find(thread.plusOnes.begin(), thread.plusOnes.end(), email) ==
            thread.plusOnes.end()) {
          thread.plusOnes.push_back(email);
        }
      }
      break;
    }
    case EventType::Assign:
      if (payload.is_object() && payload.contains("assignees")) {
        thread.assignees = stringList(payload, "assignees");
      }
      break;
    case EventType::Reanchor:
      if (thread.kind == ThreadKind::Walkthrough) break;  // no lines of its own
      if (payload.is_object() && payload.contains("anchor")) {
        thread.anchor = anchorFromJson(payload.at("anchor"));
      }
      break;
    case EventType::Tombstone:
      // Reply tombstones were gathered before the fold (see foldThread).
      if (!(payload.is_object() && payload.contains("target"))) thread.deleted = true;
      break;
    case EventType::Chapters:
      if (thread.kind == ThreadKind::Walkthrough && payload.is_object() && payload.contains("chapters")) {
        thread.chapters = stringList(payload, "chapters");
      }
      break;
  }
}

}  // namespace

std::string_view toString(ThreadState state) {
  switch (state) {
    case ThreadState::Open: return "open";
    case ThreadState::Answered: return "answered";
    case ThreadState::Resolved: return "resolved";
  }
  return "";
}

std::optional<ThreadState> parseThreadState(std::string_view name) {
  for (ThreadState state : {ThreadState::Open, ThreadState::Answered, ThreadState::Resolved}) {
    if (toString(state) == name) return state;
  }
  return std::nullopt;
}

std::optional<Thread> foldThread(std::vector<Event> events) {
  std::sort(events.begin(), events.end(), foldOrder);

  // One event per id: the first in fold order.
  std::vector<const Event*> unique;
  unique.reserve(events.size());
  std::unordered_set<std::string_view> seen;
  for (const Event& event : events) {
    if (seen.insert(event.id).second) unique.push_back(&event);
  }

  auto founding = std::find_if(unique.begin(), unique.end(), [](const Event* e) {
    return e->type == EventType::Created && e->id == e->thread;
  });
  if (founding == unique.end()) return std::nullopt;
  const Event& created = **founding;

  Thread thread;
  thread.id = created.id;
  const std::string* kind = stringField(created.payload, "kind");
  thread.kind = kind ? parseThreadKind(*kind).value_or(ThreadKind::Note) : ThreadKind::Note;
  if (const std::string* body = stringField(created.payload, "body")) thread.body = *body;
  thread.isPrivate = created.payload.is_object() && created.payload.contains("private") &&
                     created.payload.at("private").is_boolean() &&
                     created.payload.at("private").get<bool>();
  thread.author = created.author;
  thread.assignees = stringList(created.payload, "assignees");
  thread.createdAt = created.ts;
  thread.updatedAt = created.ts;
  if (created.payload.is_object() && created.payload.contains("anchor")) {
    thread.anchor = anchorFromJson(created.payload.at("anchor"));
  }
  if (created.payload.is_object() && created.payload.contains("context") &&
      created.payload.at("context").is_object()) {
    thread.context = created.payload.at("context");
  }
  thread.maxLamport = created.lamport;
  thread.eventCount = 1;

  std::vector<const Event*> rest;
  // Tombstones are gathered first so a reply stays hidden even when a
  // lagging clock sorts its tombstone before it.
  std::unordered_set<std::string> hidden;
  for (const Event* event : unique) {
    if (event == &created || event->thread != created.id || event->type == EventType::Created) {
      continue;
    }
    rest.push_back(event);
    if (event->type == EventType::Tombstone) {
      if (const std::string* target = stringField(event->payload, "target")) hidden.insert(*target);
    }
  }

  for (const Event* event : rest) {
    apply(thread, *event, hidden);
    thread.updatedAt = std::max(thread.updatedAt, event->ts);
    thread.maxLamport = std::max(thread.maxLamport, event->lamport);
    ++thread.eventCount;
  }
  return thread;
}

}  // namespace tacit::store
