#include "server/store/inbox.h"

#include <algorithm>
#include <chrono>

#include "server/store/clock.h"
#include "server/store/event_log.h"
#include "server/store/locations.h"
#include "server/store/store.h"

namespace tacit::store {

Inbox inbox(Store& store, const std::string& me, int64_t sinceMillis) {
  Inbox out;
  ThreadFilter questions;
  questions.kind = ThreadKind::Question;
  for (const auto& t : store.index().list(questions)) {
    const bool mine = t.author.email == me;
    const bool forMe = std::find(t.assignees.begin(), t.assignees.end(), me) != t.assignees.end();
    if (t.state == ThreadState::Open && forMe) out.forMe.push_back(t);
    if (!mine) continue;
    const bool answered = std::any_of(t.replies.begin(), t.replies.end(), [](const Reply& r) { return r.isAnswer; });
    if (t.state == ThreadState::Open && !answered && !forMe) out.waiting.push_back(t);
    for (const auto& r : t.replies)
      if (r.isAnswer && r.author.email != me && r.createdAt >= sinceMillis)
        out.news.push_back({t, "answer", r.author, r.createdAt, r.body});
    for (const auto& a : t.acks)
      if (a.author.email != me && a.at >= sinceMillis) out.news.push_back({t, "ack", a.author, a.at, ""});
  }
  auto oldest = [](const Thread& a, const Thread& b) { return a.createdAt != b.createdAt ? a.createdAt < b.createdAt : a.id < b.id; };
  std::sort(out.forMe.begin(), out.forMe.end(), oldest);
  std::sort(out.waiting.begin(), out.waiting.end(), oldest);
  std::sort(out.news.begin(), out.news.end(), [](const Inbox::News& a, const Inbox::News& b) {
    return a.at != b.at ? a.at > b.at : a.thread.id < b.thread.id;
  });
  const int64_t now = nowMillis();
  for (const auto& r : readPersonal(store).reminders)
    if (r.due(now)) out.reminders.push_back(r);
  std::stable_sort(out.reminders.begin(), out.reminders.end(),
                   [](const Reminder& a, const Reminder& b) { return a.dueAt < b.dueAt; });
  return out;
}

nlohmann::json inboxJson(Store& store, const Inbox& inbox) {
  using json = nlohmann::json;
  Locations locations(store);
  auto located = [&](const Thread& t) { return locatedJson(t, locations.inWorkTree(t)); };
  json out = {{"for_me", json::array()}, {"waiting", json::array()}, {"news", json::array()}, {"reminders", json::array()}};
  for (const auto& t : inbox.forMe) out["for_me"].push_back(located(t));
  for (const auto& t : inbox.waiting) out["waiting"].push_back(located(t));
  for (const auto& n : inbox.news) {
    json j = {{"what", n.what},
              {"by", {{"name", n.by.name}, {"email", n.by.email}}},
              {"at", formatTimestamp(n.at)},
              {"thread", located(n.thread)}};
    if (n.what == "answer") j["body"] = n.body;
    out["news"].push_back(std::move(j));
  }
  for (const auto& r : inbox.reminders) out["reminders"].push_back(reminderJson(store, r));
  return out;
}

}  // namespace tacit::store
