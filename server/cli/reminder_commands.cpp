#include "server/cli/reminder_commands.h"

#include <filesystem>
#include <algorithm>
#include <functional>
#include <iostream>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "server/cli/extensions.h"
#include "server/cli/knowledge_commands.h"
#include "server/cli/verbs.h"
#include "server/host/host.h"
#include "server/store/clock.h"
#include "server/store/event.h"
#include "server/store/event_log.h"
#include "server/store/personal.h"
#include "server/store/store.h"

namespace tacit::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using store::StoreError;

// "due in 10 minutes (Sat 28 Nov 09:00)", or "due 5 minutes ago" once due.
std::string whenText(int64_t at, int64_t now, const char* verb) {
  return std::string(verb) + " " + store::relativeTime(at, now) + " (" + store::formatLocalTime(at, now) + ")";
}

}  // namespace

void printReminderLine(store::Store& s, const store::Reminder& r, int64_t now) {
  const anchor::Location at = store::reminderPlace(s, r);
  std::string about;
  if (auto t = r.thread.empty() ? std::nullopt : s.index().get(r.thread)) about = "  \"" + firstLine(t->body) + "\"";
  std::cout << r.id.substr(0, 8) << "  "
            << (r.doneAt != 0 ? "done " + store::relativeTime(r.doneAt, now)
                : r.due(now)  ? "DUE " + store::relativeTime(r.dueAt, now)
                              : whenText(r.dueAt, now, "due"))
            << "  " << (at.path.empty() ? "(its thread is gone)" : placeText(at)) << about
            << (r.text.empty() ? "" : "  " + firstLine(r.text)) << "\n";
}

struct ReminderCommands::State {
  Verbs commands;
  std::string target, id, in, at, message;
  bool asJson = false, all = false;

};

ReminderCommands::ReminderCommands(CLI::App& app) : state_(new State()) {
  State& st = *state_;
  auto add = [&](CLI::App* cmd, std::function<int()> fn) { st.commands.emplace_back(cmd, std::move(fn)); };

  auto* remind = app.add_subcommand("remind", "Remind me of a thread or of lines of code later (private); prints its id");
  remind->add_option("target", st.target, "A thread id (or unique prefix), or PATH:START[-END]")->required();
  remind->add_option("--in", st.in, "After this long: 10m, 1h30m, 2d");
  remind->add_option("--at", st.at, "At this time: 17:00, tomorrow 09:00, monday, 2026-12-01 09:00, RFC 3339");
  remind->add_option("-m,--message", st.message, "What to remember");
  add(remind, [&st] {
    auto s = openStore();
    const int64_t now = store::nowMillis();
    store::Reminder r;
    r.dueAt = store::dueTime(st.in, st.at, now, "remind");
    if (st.target.find(':') != std::string::npos)
      r.anchor = captureAnchor(*s, st.target, "");
    else
      r.thread = s->index().resolve(st.target);
    r.text = st.message;
    r = store::addReminder(*s, r);
    std::cout << r.id << "\n" << std::flush;
    if (::isatty(STDERR_FILENO)) std::cerr << "tacit: " << whenText(r.dueAt, now, "due") << "\n";
    return 0;
  });

  auto* list = app.add_subcommand("reminders", "List my reminders (pending; with --all, done ones too)");
  list->add_flag("--all", st.all, "Include the reminders marked done");
  list->add_flag("--json", st.asJson, "JSON output (schema in docs/cli.md)");
  add(list, [&st] {
    auto s = openStore();
    const int64_t now = store::nowMillis();
    auto p = store::readPersonal(*s);
    std::stable_sort(p.reminders.begin(), p.reminders.end(),
                     [](const store::Reminder& a, const store::Reminder& b) { return a.dueAt < b.dueAt; });
    json out = json::array();
    for (const auto& r : p.reminders) {
      if (r.doneAt != 0 && !st.all) continue;
      if (st.asJson) {
        out.push_back(store::reminderJson(*s, r));
        continue;
      }
      printReminderLine(*s, r, now);
    }
    if (st.asJson) std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  });

  auto* snooze = app.add_subcommand("snooze", "Put a reminder off (default: 10 minutes from now)");
  snooze->add_option("id", st.id, "Reminder id or unique prefix")->required();
  snooze->add_option("--in", st.in, "For this long: 10m, 1h, 1d");
  snooze->add_option("--at", st.at, "Until this time: 17:00, tomorrow 09:00, ...");
  add(snooze, [&st] {
    auto s = openStore();
    const int64_t now = store::nowMillis();
    const int64_t until = st.in.empty() && st.at.empty() ? now + 10 * 60'000 : store::dueTime(st.in, st.at, now, "snooze");
    const std::string id = store::snoozeReminder(*s, st.id, until).id;
    std::cout << "snoozed " << id.substr(0, 8) << ": " << whenText(until, now, "due") << "\n";
    return 0;
  });

  auto* done = app.add_subcommand("done", "Mark a reminder done");
  done->add_option("id", st.id, "Reminder id or unique prefix")->required();
  add(done, [&st] {
    auto s = openStore();
    const int64_t now = store::nowMillis();
    const std::string id = store::finishReminder(*s, st.id, now).id;
    std::cout << "done " << id.substr(0, 8) << "\n";
    return 0;
  });

  auto* scheduled = app.add_subcommand("scheduled", "List the questions waiting to be sent (ask --send-at)");
  scheduled->add_flag("--all", st.all, "Include those already sent");
  scheduled->add_flag("--json", st.asJson, "JSON output (schema in docs/cli.md)");
  add(scheduled, [&st] {
    auto s = openStore();
    const int64_t now = store::nowMillis();
    json out = json::array();
    for (const auto& q : store::readPersonal(*s).outbox) {
      if (q.sentAt != 0 && !st.all) continue;
      if (st.asJson) {
        out.push_back(store::toJson(q));
        continue;
      }
      std::cout << q.id.substr(0, 8) << "  "
                << (q.sentAt != 0 ? "sent " + store::relativeTime(q.sentAt, now)
                                  : whenText(q.sendAt, now, q.sendAt <= now ? "was due" : "sends"))
                << "  " << q.question.anchor.path << ":" << q.question.anchor.startLine << "  \""
                << firstLine(q.question.body) << "\"" << (q.error.empty() ? "" : "  (last attempt: " + q.error + ")")
                << "\n";
    }
    if (st.asJson) std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  });

  auto* send = app.add_subcommand("send", "Send a scheduled question now");
  send->add_option("id", st.id, "Its id or unique prefix")->required();
  add(send, [&st] {
    auto s = openStore();
    auto p = store::readPersonal(*s);
    const auto& q = store::findScheduled(p, st.id);
    if (q.sentAt != 0) throw StoreError("question " + q.id.substr(0, 8) + " was already sent");
    const auto sent = store::sendDue(*s, store::nowMillis(), q.id);
    if (sent.empty()) {
      auto after = store::readPersonal(*s);
      throw StoreError("could not send " + q.id.substr(0, 8) + ": " + store::findScheduled(after, q.id).error);
    }
    std::cout << q.id << "\n" << std::flush;
    tellExtensions(*s, [&](host::Host& h) { h.threadCreated(q.id); });
    return 0;
  });

  auto* cancel = app.add_subcommand("cancel", "Cancel a scheduled question (it is never sent)");
  cancel->add_option("id", st.id, "Its id or unique prefix")->required();
  add(cancel, [&st] {
    auto s = openStore();
    std::string id;
    store::updatePersonal(*s, "tacit: cancel " + st.id, [&](store::Personal& p) {
      auto& q = store::findScheduled(p, st.id);
      if (q.sentAt != 0) throw StoreError("question " + q.id.substr(0, 8) + " was already sent");
      id = q.id;
      p.outbox.erase(std::find_if(p.outbox.begin(), p.outbox.end(), [&](const auto& x) { return x.id == id; }));
    });
    std::cout << "cancelled " << id.substr(0, 8) << "\n";
    return 0;
  });
}

ReminderCommands::~ReminderCommands() { delete state_; }

int ReminderCommands::run() { return runVerbs(state_->commands); }

}  // namespace tacit::cli
