// The built-in "threads" extension: a code lens above each place in an open
// document where threads are anchored ("2 notes · 1 question"), and the
// command tacit.moveThread (re-anchor a thread to lines of the buffer). It
// uses only the host API, like any external extension. The richer knowledge
// features (hovers, hints, questions, reminders) grow from here (issue 6).
#pragma once

#include <memory>

#include "server/host/extension.h"

namespace tacit::extensions {

std::unique_ptr<host::Extension> makeThreadsExtension();

}  // namespace tacit::extensions
