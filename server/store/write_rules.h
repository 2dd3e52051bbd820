// What the store refuses to write, whoever asks: the command line, an
// editor's command, an extension. One set of rules, checked by Store (and by
// the reminders and send-later verbs of personal.h) before anything is
// written, so that no way in stores what another refuses. A refusal is a
// StoreError with a one-line message; nothing is written.
//
//   event                 note, lesson   question   walkthrough
//   reply                 yes            yes        no
//   answer, ack           no             yes        no
//   +1                    yes            yes        no
//   resolve, reopen       yes            yes        no
//   assign                no             yes        no
//   move (reanchor)       yes            yes        no
//   chapters              no             no         yes
//   edit, delete          yes            yes        yes
//
// A walkthrough is not a discussion: its chapters are (they are notes). A
// reminder may be about a note, a lesson or a question, not a walkthrough
// (it has no lines to show). A thread, reply, answer or edit needs text:
// a blank one (nothing but whitespace) is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/store/event.h"
#include "server/store/thread.h"

namespace tacit::store {

// Nothing but spaces, tabs and line breaks (or nothing at all).
bool isBlank(std::string_view text);

// Why an event of `type` with `payload` cannot go on a thread of `kind`
// ("only a question can be answered"), or nullopt when it can. The editor's
// list of actions on a thread asks this too, so it offers what is allowed.
std::optional<std::string> refusal(ThreadKind kind, EventType type, const json& payload);

// StoreError when refusal() says no (naming the thread) or when the text the
// event carries (reply, answer, edit) is blank.
void checkEvent(const Thread& thread, EventType type, const json& payload);
// StoreError when a new thread's text is blank ("a note cannot be blank").
void checkNewThread(ThreadKind kind, std::string_view body);
// StoreError unless a reminder may be about `thread`.
void checkRemindable(const Thread& thread);

}  // namespace tacit::store
