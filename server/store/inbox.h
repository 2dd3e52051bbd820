// The inbox: what waits on me and what came back to me. Questions for me
// (open, assigned to me), questions I asked still unanswered, and the
// answers and acknowledgements others gave my questions since a moment, and
// my reminders that are due. Read-only, from the index and the private store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/store/clock.h"
#include "server/store/personal.h"
#include "server/store/thread.h"

namespace tacit::store {

class Store;

struct Inbox {
  std::vector<Thread> forMe;    // open questions assigned to me, oldest first
  std::vector<Thread> waiting;  // my open questions to others nobody has answered, oldest first
  struct News {
    Thread thread;
    std::string what;  // "answer" or "ack"
    Author by;
    int64_t at = 0;
    std::string body;  // the answer's text ("" for an ack)
  };
  std::vector<News> news;  // newest first
  std::vector<Reminder> reminders;  // my reminders due and not done, earliest first
};

// `me`: an email; `sinceMillis`: news older than this is left out; reminders
// are due at nowMillis().
Inbox inbox(Store& store, const std::string& me, int64_t sinceMillis);

// The JSON of docs/cli.md ("Inbox"): each thread located in the work tree.
nlohmann::json inboxJson(Store& store, const Inbox& inbox);

}  // namespace tacit::store
