#include "server/store/write_rules.h"

#include "server/store/event_log.h"

namespace tacit::store {
namespace {

// "answered", "resolved", ...: what the event does to a thread, for messages.
std::string_view verbed(EventType type, const json& payload) {
  switch (type) {
    case EventType::Reply: return "replied to";
    case EventType::Answer: return "answered";
    case EventType::Reaction: return payload.value("reaction", "") == "ack" ? "acknowledged" : "given a +1";
    case EventType::State: return payload.value("state", "") == "open" ? "reopened" : "resolved";
    case EventType::Assign: return "assigned";
    default: return "changed";
  }
}

}  // namespace

bool isBlank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

std::optional<std::string> refusal(ThreadKind kind, EventType type, const json& payload) {
  const bool question = kind == ThreadKind::Question;
  const bool walkthrough = kind == ThreadKind::Walkthrough;
  switch (type) {
    case EventType::Answer:
    case EventType::Assign:
      if (!question) return "only a question can be " + std::string(verbed(type, payload));
      return std::nullopt;
    case EventType::Reaction:
      if (!question && payload.value("reaction", "") == "ack") return std::string("only a question can be acknowledged");
      [[fallthrough]];
    case EventType::Reply:
    case EventType::State:
      if (walkthrough) return "only a note, a lesson or a question can be " + std::string(verbed(type, payload));
      return std::nullopt;
    case EventType::Reanchor:
      if (walkthrough) return std::string("a walkthrough has no lines of its own to move (move its chapters)");
      return std::nullopt;
    case EventType::Chapters:
      if (!walkthrough) return std::string("not a walkthrough");
      return std::nullopt;
    case EventType::Created:
    case EventType::Edit:
    case EventType::Tombstone:
      return std::nullopt;
  }
  return std::nullopt;
}

void checkEvent(const Thread& thread, EventType type, const json& payload) {
  if (auto why = refusal(thread.kind, type, payload))
    throw StoreError(*why + ": " + thread.id.substr(0, 12) + " is a " + std::string(toString(thread.kind)));
  const char* what = type == EventType::Reply ? "a reply" : type == EventType::Answer ? "an answer" : "an edit";
  if ((type == EventType::Reply || type == EventType::Answer || type == EventType::Edit) && payload.is_object() &&
      payload.contains("body") && payload["body"].is_string() && isBlank(payload["body"].get_ref<const std::string&>()))
    throw StoreError(std::string(what) + " cannot be blank");
}

void checkNewThread(ThreadKind kind, std::string_view body) {
  if (!isBlank(body)) return;
  if (kind == ThreadKind::Walkthrough) throw StoreError("a walkthrough needs a title");
  throw StoreError("a " + std::string(toString(kind)) + " cannot be blank");
}

void checkRemindable(const Thread& thread) {
  if (thread.kind == ThreadKind::Walkthrough)
    throw StoreError("a reminder is about a note, a lesson, a question or lines of code: " + thread.id.substr(0, 12) +
                     " is a walkthrough (remind yourself of one of its chapters)");
}

}  // namespace tacit::store
