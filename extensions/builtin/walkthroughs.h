// The built-in "walkthroughs" extension: a walkthrough's commands for the
// editor (tacit.walkthrough.create, .addChapter, .moveChapter,
// .removeChapter, .list, .show, .play, .next, .previous, .export; see
// docs/protocol.md), a code lens on each chapter ("Walkthrough: <title> ·
// 2/5", "◂ previous", "next ▸") that plays it, and a code action per recent
// walkthrough to add the selection as a chapter. Playing opens the chapter
// where its lines are now (window/showDocument); the current chapter of each
// walkthrough is remembered for the session (.next, .previous). The logic is
// server/store/walkthroughs.h, shared with the command line; this is the host
// API over it, like any external extension.
#pragma once

#include <memory>

#include "server/host/extension.h"

namespace tacit::extensions {

std::unique_ptr<host::Extension> makeWalkthroughsExtension();

}  // namespace tacit::extensions
