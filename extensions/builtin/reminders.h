// The built-in "reminders" extension: one person's reminders and questions
// scheduled to be sent later (server/store/personal.h), in the editor.
//
// - A reminder that falls due (or fell due while no server ran) is shown
//   once per session by window/showMessageRequest with the actions Open
//   (window/showDocument at its lines), Snooze 10 min and Done; extensions
//   hear reminder/due; while due it is an Information diagnostic on its lines
//   in open documents.
// - Scheduled questions whose time has come are sent (through the host, so
//   other extensions hear thread/created), at start and when their time comes.
// - Commands tacit.remind, tacit.reminders, tacit.snooze, tacit.done
//   (docs/protocol.md), the same verbs as the command line.
//
// Time is store::nowMillis() (injectable: TACIT_NOW, and the server's
// tacit/test/setClock, which sends the built-in event time/moved). A timer
// wakes it when the next reminder or question is due (at most a minute
// apart); writes by the command line arrive as knowledge/changed.
#pragma once

#include <memory>

#include "server/host/extension.h"

namespace tacit::extensions {

std::unique_ptr<host::Extension> makeRemindersExtension();

}  // namespace tacit::extensions
